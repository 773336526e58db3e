"""The Conversations v2 backend: Conversation Configurations and their asynchronous Operations.

Every write (create, PUT, PATCH, delete) is accepted at once as a PENDING Operation and applied
when the Operation completes, ``operation_delay`` seconds later: only then does the change become
visible. Operations advance lazily, whenever the account's configurations or operations are read,
so no background thread is needed. Writes may carry an ``Idempotency-Key``: the same key and body
within 24 hours returns the original answer; the same key with another body is refused with 409.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...errors import error_docs_url
from ...models import (
    ConversationConfigurationCreate,
    ConversationConfigurationPatch,
    ConversationConfigurationReplace,
)
from ...models.conversation_configuration import (
    DEFAULT_CALLBACK_METHOD,
    IDEMPOTENCY_KEY_PATTERN,
    MEMORY_STORE_ID_PATTERN,
)
from ..errors import EmulatorError, bad_request, conflict, not_found
from ..pagination import paginate

if TYPE_CHECKING:
    from ..core import Emulator

CONFIGURATION = "conversation_configuration"
OPERATION = "operation"
PENDING = "pending_operation"
IDEMPOTENCY = "idempotency_key"
IDEMPOTENCY_TTL = 24 * 3600.0


@dataclass(frozen=True)
class Accepted:
    """A 202 answer: status, headers and body, as replayed for a repeated Idempotency-Key."""

    status: int
    headers: dict[str, str]
    body: dict[str, Any]


class ConversationsBackend:
    """Conversation Configurations and Operations of every account."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.store = emulator.store

    # -- configurations -----------------------------------------------------------------------

    def list_configurations(self, account: str, query: Mapping[str, str]) -> dict[str, Any]:
        """``GET /v2/ControlPlane/Configurations`` (filter ``memoryStoreId``)."""
        self.advance(account)
        memory_store = query.get("memoryStoreId")
        if memory_store is not None:
            self.emulator.check_pattern(memory_store, MEMORY_STORE_ID_PATTERN, "memoryStoreId")
        return paginate(
            self.store,
            account,
            CONFIGURATION,
            query,
            key="configurations",
            render=dict,
            keep=lambda doc: memory_store is None or doc.get("memoryStoreId") == memory_store,
        )

    def get_configuration(self, account: str, configuration_id: str) -> dict[str, Any]:
        """``GET /v2/ControlPlane/Configurations/{id}`` (404 until its create Operation completes)."""
        self.advance(account)
        doc = self.store.get(account, CONFIGURATION, configuration_id)
        if doc is None:
            raise not_found("Configuration", configuration_id)
        return doc

    def create_configuration(self, account: str, body: Any, base_url: str, key: str | None) -> Accepted:
        """``POST /v2/ControlPlane/Configurations``: 202 and a PENDING Operation."""
        return self._idempotent(account, key, "POST", "", body, lambda: self._accept_create(account, body, base_url))

    def replace_configuration(
        self, account: str, configuration_id: str, body: Any, base_url: str, key: str | None
    ) -> Accepted:
        """``PUT /v2/ControlPlane/Configurations/{id}``: a full replacement, applied asynchronously."""
        return self._write(account, configuration_id, body, base_url, key, "PUT", ConversationConfigurationReplace)

    def patch_configuration(
        self, account: str, configuration_id: str, body: Any, base_url: str, key: str | None
    ) -> Accepted:
        """``PATCH /v2/ControlPlane/Configurations/{id}``: only the fields sent change."""
        return self._write(account, configuration_id, body, base_url, key, "PATCH", ConversationConfigurationPatch)

    def _write(
        self,
        account: str,
        configuration_id: str,
        body: Any,
        base_url: str,
        key: str | None,
        method: str,
        model: type[ConversationConfigurationReplace] | type[ConversationConfigurationPatch],
    ) -> Accepted:
        """Accept a PUT or PATCH of an existing configuration (validated, references checked)."""

        def accept() -> Accepted:
            self.get_configuration(account, configuration_id)
            fields = self.emulator.validate(model, body).to_wire()
            self._check_references(account, fields, exclude=configuration_id)
            action = "replace" if method == "PUT" else "patch"
            return self._accept(account, action, configuration_id, fields, base_url)

        return self._idempotent(account, key, method, configuration_id, body, accept)

    def delete_configuration(self, account: str, configuration_id: str, base_url: str, key: str | None) -> Accepted:
        """``DELETE /v2/ControlPlane/Configurations/{id}``: removed when the Operation completes."""

        def accept() -> Accepted:
            self.get_configuration(account, configuration_id)
            return self._accept(account, "delete", configuration_id, {}, base_url)

        return self._idempotent(account, key, "DELETE", configuration_id, None, accept)

    def configuration_attaching(self, account: str, intelligence_configuration_id: str) -> str | None:
        """The id of a Conversation Configuration that attaches this Intelligence Configuration."""
        self.advance(account)
        for doc in self.store.all(account, CONFIGURATION):
            if intelligence_configuration_id in doc.get("intelligenceConfigurationIds", []):
                return str(doc["id"])
        return None

    # -- operations ---------------------------------------------------------------------------

    def get_operation(self, account: str, operation_id: str) -> dict[str, Any]:
        """``GET /v2/ControlPlane/Operations/{id}``."""
        self.advance(account)
        doc = self.store.get(account, OPERATION, operation_id)
        if doc is None:
            raise not_found("Operation", operation_id)
        return _public(doc)

    def retry_after(self) -> int:
        """The ``Retry-After`` (whole seconds) to advise while an Operation is PENDING."""
        return math.ceil(self.emulator.faults.operation_delay)

    def advance(self, account: str) -> None:
        """Complete (or fail) every PENDING Operation of the account whose time has come, in order."""
        now = self.emulator.clock()
        with self.store.transaction():
            for pending in self.store.all(account, PENDING):
                if pending["fate"] == "stuck" or pending["due"] > now:
                    continue
                operation = self.store.get(account, OPERATION, pending["id"])
                self.store.delete(account, PENDING, pending["id"])
                if operation is None:
                    continue
                problem = None
                if pending["fate"] == "fail":
                    problem = _problem(500, "Internal error", "The operation failed (injected by the emulator).")
                else:
                    try:
                        self._apply(account, operation["_change"])
                    except EmulatorError as exc:
                        problem = _problem(exc.status, _TITLES.get(exc.status, "Error"), exc.message, exc.code)
                operation["status"] = "FAILED" if problem else "COMPLETED"
                operation["completedAt"] = self.emulator.now_iso()
                if problem:
                    operation["error"] = {**problem, "instance": operation["statusUrl"]}
                self.store.put(account, OPERATION, operation["operationId"], operation)

    # -- internals ----------------------------------------------------------------------------

    def _accept_create(self, account: str, body: Any, base_url: str) -> Accepted:
        fields = self.emulator.validate(ConversationConfigurationCreate, body).to_wire()
        self._check_references(account, fields, exclude=None)
        configuration_id = self.emulator.ids.mint("conv_configuration")
        return self._accept(account, "create", configuration_id, fields, base_url)

    def _accept(
        self, account: str, action: str, configuration_id: str, fields: dict[str, Any], base_url: str
    ) -> Accepted:
        operation_id = self.emulator.ids.mint("proc_job")
        status_url = f"{base_url.rstrip('/')}/v2/ControlPlane/Operations/{operation_id}"
        related = {"configurationId": configuration_id}
        now = self.emulator.clock()
        operation = {
            "operationId": operation_id,
            "status": "PENDING",
            "createdAt": self.emulator.iso(now),
            "statusUrl": status_url,
            "related": related,
            "_change": {"action": action, "id": configuration_id, "fields": fields},
        }
        with self.store.transaction():
            self.store.put(account, OPERATION, operation_id, operation)
            due = now + self.emulator.faults.operation_delay
            self.store.put(
                account,
                PENDING,
                operation_id,
                {"id": operation_id, "due": due, "fate": self.emulator.faults.operation_fate()},
            )
        headers = {"Operation-Id": operation_id, "Location": status_url, "Retry-After": str(self.retry_after())}
        accepted = Accepted(202, headers, {"statusUrl": status_url, "related": related})
        self.advance(account)
        return accepted

    def _idempotent(self, account: str, key: str | None, method: str, target: str, body: Any, accept: Any) -> Accepted:
        if key is None:
            result: Accepted = accept()
            return result
        self.emulator.check_pattern(key, IDEMPOTENCY_KEY_PATTERN, "Idempotency-Key")
        fingerprint = hashlib.sha256(json.dumps([method, target, body], sort_keys=True).encode()).hexdigest()
        now = self.emulator.clock()
        with self.store.transaction():
            seen = self.store.get(account, IDEMPOTENCY, key)
            if seen is not None and now - seen["at"] < IDEMPOTENCY_TTL:
                if seen["fingerprint"] != fingerprint:
                    raise conflict(
                        f"Idempotency-Key {key} was already used with a different request "
                        f"(within 24 hours); use a new key for a new request",
                        seen["body"].get("related", {}).get("configurationId"),
                    )
                return Accepted(seen["status"], seen["headers"], seen["body"])
            result = accept()
            self.store.put(
                account,
                IDEMPOTENCY,
                key,
                {
                    "fingerprint": fingerprint,
                    "at": now,
                    "status": result.status,
                    "headers": result.headers,
                    "body": result.body,
                },
            )
            return result

    def _check_references(self, account: str, fields: dict[str, Any], exclude: str | None) -> None:
        store = fields.get("memoryStoreId")
        if self.emulator.strict_references and store and not self.emulator.memory[account].store_exists(store):
            # live Twilio accepts a missing store and then fails silently (C5); --strict-references refuses it
            raise bad_request("memoryStoreId", f"no Memory Store {store} exists in this account")
        for i, ref in enumerate(fields.get("intelligenceConfigurationIds") or []):
            if not self.emulator.intelligence.configuration_exists(account, ref):
                raise bad_request(
                    f"intelligenceConfigurationIds[{i}]", f"no Intelligence Configuration {ref} exists in this account"
                )
        bridge = fields.get("conversationsV1Bridge")
        if bridge:
            for doc in self.store.all(account, CONFIGURATION):
                if (
                    doc["id"] != exclude
                    and doc.get("conversationsV1Bridge", {}).get("serviceId") == bridge["serviceId"]
                ):
                    raise conflict(
                        f"Conversations V1 Service {bridge['serviceId']} is already bridged to "
                        f"configuration {doc['id']}",
                        doc["id"],
                    )

    def _apply(self, account: str, change: dict[str, Any]) -> None:
        action, configuration_id, fields = change["action"], change["id"], change["fields"]
        current = self.store.get(account, CONFIGURATION, configuration_id)
        if action != "create" and current is None:
            raise not_found("Configuration", configuration_id)
        if action == "delete":
            self.store.delete(account, CONFIGURATION, configuration_id)
            return
        self._check_references(account, fields, exclude=configuration_id)
        now = self.emulator.now_iso()
        if action == "create":
            doc = {"id": configuration_id, **fields, "createdAt": now, "version": 0}
        elif action == "replace":
            assert current is not None
            doc = {
                "id": configuration_id,
                "displayName": current["displayName"],
                **fields,
                "createdAt": current["createdAt"],
                "version": current["version"],
            }
        else:  # patch
            assert current is not None
            doc = dict(current)
            for key, value in fields.items():
                if value is None:
                    continue
                if key == "channelSettings":
                    merged = dict(doc.get("channelSettings") or {})
                    for channel, setting in value.items():
                        if setting is None:
                            merged.pop(channel, None)
                        else:
                            merged[channel] = setting
                    doc["channelSettings"] = merged
                else:
                    doc[key] = value
        doc.setdefault("memoryExtractionEnabled", False)
        if doc.get("statusCallbacks"):
            doc["statusCallbacks"] = [
                {**cb, "method": cb.get("method", DEFAULT_CALLBACK_METHOD)} for cb in doc["statusCallbacks"]
            ]
        doc["updatedAt"] = now
        doc["version"] = doc["version"] + 1
        self.store.put(account, CONFIGURATION, configuration_id, _ordered(doc))


_TITLES = {400: "Bad Request", 404: "Not Found", 409: "Conflict", 500: "Internal Server Error"}
_ORDER = (
    "id",
    "displayName",
    "description",
    "conversationGroupingType",
    "memoryStoreId",
    "channelSettings",
    "statusCallbacks",
    "intelligenceConfigurationIds",
    "memoryExtractionEnabled",
    "conversationsV1Bridge",
    "createdAt",
    "updatedAt",
    "version",
)


def _ordered(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: doc[k] for k in _ORDER if k in doc} | {k: v for k, v in doc.items() if k not in _ORDER}


def _problem(status: int, title: str, detail: str, code: int | None = None) -> dict[str, Any]:
    return {
        "type": error_docs_url(code or 20000 + status),
        "title": title,
        "status": status,
        "detail": detail,
    }


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if not k.startswith("_")}
