"""The Conversations v2 backend: Conversation Configurations and their asynchronous Operations.

One :class:`ConversationsBackend` per account (``emulator.conversations[account_sid]``). Every
write (create, PUT, PATCH, delete) is accepted at once as a PENDING Operation and applied when the
Operation completes, ``operation_delay`` seconds later: only then does the change become visible.
Operations advance lazily, whenever the account's configurations or operations are read, so no
background thread is needed. Writes may carry an ``Idempotency-Key``: the same key and body within
24 hours returns the original answer; the same key with another body is refused with 409.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ...errors import error_docs_url
from ...models import (
    ConversationConfiguration,
    ConversationConfigurationCreate,
    ConversationConfigurationPatch,
    ConversationConfigurationReplace,
    with_server_defaults,
)
from ...models.conversation_configuration import (
    IDEMPOTENCY_KEY_PATTERN,
    MAX_CONFIGURATIONS,
    MEMORY_STORE_ID_PATTERN,
)
from ..backend import AccountBackend
from ..errors import EmulatorError, bad_request, conflict, not_found
from ..pagination import paginate
from .records import Accepted, Action, Change, IdempotencyRecord, OperationRecord, PendingOperation

if TYPE_CHECKING:
    from ..core import Emulator

CONFIGURATION = "conversation_configuration"
OPERATION = "operation"
PENDING = "pending_operation"
IDEMPOTENCY = "idempotency_key"
IDEMPOTENCY_TTL = 24 * 3600.0


class ConversationsBackend(AccountBackend):
    """Conversation Configurations and Operations of one account."""

    def __init__(self, emulator: Emulator, account: str) -> None:
        super().__init__(emulator, account)
        self.configurations = self.table(CONFIGURATION, dict)
        self.operations = self.table(OPERATION, OperationRecord)
        self.pending = self.table(PENDING, PendingOperation)
        self.idempotency = self.table(IDEMPOTENCY, IdempotencyRecord)

    def custom_resources(self) -> dict[str, int]:
        """Conversation Configurations (after the Operations due by now)."""
        self.advance()
        count = len(self.configurations.all())
        return {"conversation_configuration": count} if count else {}

    # -- configurations -----------------------------------------------------------------------

    def list_configurations(self, query: Mapping[str, str]) -> dict[str, Any]:
        """``GET /v2/ControlPlane/Configurations`` (filter ``memoryStoreId``)."""
        self.advance()
        memory_store = query.get("memoryStoreId")
        if memory_store is not None:
            self.emulator.check_pattern(memory_store, MEMORY_STORE_ID_PATTERN, "memoryStoreId")
        return paginate(
            self.configurations,
            query,
            key="configurations",
            render=dict,
            keep=lambda doc: memory_store is None or doc.get("memoryStoreId") == memory_store,
        )

    def get_configuration(self, configuration_id: str) -> dict[str, Any]:
        """``GET /v2/ControlPlane/Configurations/{id}`` (404 until its create Operation completes)."""
        self.advance()
        doc = self.configurations.get(configuration_id)
        if doc is None:
            raise not_found("Configuration", configuration_id)
        return doc

    def create_configuration(self, body: Any, base_url: str, key: str | None) -> Accepted:
        """``POST /v2/ControlPlane/Configurations``: 202 and a PENDING Operation."""

        def accept() -> Accepted:
            fields = self.emulator.validate(ConversationConfigurationCreate, body).to_wire()
            self._check_references(fields, exclude=None)
            self._check_room()
            configuration_id = self.emulator.ids.mint("conv_configuration")
            return self._accept("create", configuration_id, fields, base_url)

        return self._idempotent(key, "POST", "", body, accept)

    def replace_configuration(self, configuration_id: str, body: Any, base_url: str, key: str | None) -> Accepted:
        """``PUT /v2/ControlPlane/Configurations/{id}``: a full replacement, applied asynchronously."""
        return self._write(configuration_id, body, base_url, key, "PUT", ConversationConfigurationReplace)

    def patch_configuration(self, configuration_id: str, body: Any, base_url: str, key: str | None) -> Accepted:
        """``PATCH /v2/ControlPlane/Configurations/{id}``: only the fields sent change."""
        return self._write(configuration_id, body, base_url, key, "PATCH", ConversationConfigurationPatch)

    def _write(
        self,
        configuration_id: str,
        body: Any,
        base_url: str,
        key: str | None,
        method: str,
        model: type[ConversationConfigurationReplace] | type[ConversationConfigurationPatch],
    ) -> Accepted:
        """Accept a PUT or PATCH of an existing configuration (validated, references checked)."""

        def accept() -> Accepted:
            current = self.get_configuration(configuration_id)
            fields = self.emulator.validate(model, body).to_wire()
            grouping = fields.get("conversationGroupingType")
            if grouping is not None and grouping != current["conversationGroupingType"]:
                raise bad_request(  # live Twilio: immutable after creation (C1)
                    "conversationGroupingType",
                    f"cannot be changed after creation (it is {current['conversationGroupingType']}); "
                    "create a new Configuration for another grouping type",
                )
            self._check_references(fields, exclude=configuration_id)
            return self._accept("replace" if method == "PUT" else "patch", configuration_id, fields, base_url)

        return self._idempotent(key, method, configuration_id, body, accept)

    def delete_configuration(self, configuration_id: str, base_url: str, key: str | None) -> Accepted:
        """``DELETE /v2/ControlPlane/Configurations/{id}``: removed when the Operation completes."""

        def accept() -> Accepted:
            self.get_configuration(configuration_id)
            return self._accept("delete", configuration_id, {}, base_url)

        return self._idempotent(key, "DELETE", configuration_id, None, accept)

    def configuration_attaching(self, intelligence_configuration_id: str) -> str | None:
        """The id of a Conversation Configuration that attaches this Intelligence Configuration."""
        self.advance()
        for doc in self.configurations.all():
            if intelligence_configuration_id in doc.get("intelligenceConfigurationIds", []):
                return str(doc["id"])
        return None

    # -- operations ---------------------------------------------------------------------------

    def get_operation(self, operation_id: str) -> dict[str, Any]:
        """``GET /v2/ControlPlane/Operations/{id}``."""
        self.advance()
        record = self.operations.get(operation_id)
        if record is None:
            raise not_found("Operation", operation_id)
        return record.to_wire()

    def retry_after(self) -> int:
        """The ``Retry-After`` (whole seconds) to advise while an Operation is PENDING."""
        return math.ceil(self.emulator.faults.operation_delay)

    def advance(self) -> None:
        """Complete (or fail) every PENDING Operation of the account whose time has come, in order."""
        now = self.emulator.clock()
        with self.emulator.store.transaction():
            for pending in self.pending.all():
                if pending.fate == "stuck" or pending.due > now:
                    self._mark_running(pending, now)
                    continue
                operation = self.operations.get(pending.id)
                self.pending.delete(pending.id)
                if operation is None:
                    continue
                if pending.fate == "cancel":  # a status of the docs page (C8): nothing is applied
                    operation.status = "CANCELLED"
                    operation.completed_at = self.emulator.now_iso()
                    self.operations.put(operation.operation_id, operation)
                    continue
                problem = None
                if pending.fate == "fail":
                    problem = _problem(500, "Internal error", "The operation failed (injected by the emulator).")
                else:
                    try:
                        self._apply(operation.change)
                    except EmulatorError as exc:
                        problem = _problem(exc.status, _TITLES.get(exc.status, "Error"), exc.message, exc.code)
                operation.status = "FAILED" if problem else "COMPLETED"
                operation.completed_at = self.emulator.now_iso()
                if problem:
                    operation.error = {**problem, "instance": operation.status_url}
                self.operations.put(operation.operation_id, operation)

    # -- internals ----------------------------------------------------------------------------

    def _mark_running(self, pending: PendingOperation, now: float) -> None:
        """With ``live_operation_statuses``, an Operation past half its delay (and a stuck one, once
        its delay is over) is ``RUNNING`` (C8)."""
        if not self.emulator.faults.live_operation_statuses or now < (pending.started + pending.due) / 2:
            return
        operation = self.operations.get(pending.id)
        if operation is not None and operation.status == "PENDING":
            operation.status = "RUNNING"
            self.operations.put(operation.operation_id, operation)

    def _check_room(self) -> None:
        """Live Twilio holds at most 10 Conversation Configurations per account (C2); creates still
        PENDING count; not with ``documented_limits``."""
        if self.emulator.faults.documented_limits:
            return
        creating = sum(
            1
            for pending in self.pending.all()
            if (op := self.operations.get(pending.id)) is not None and op.change.action == "create"
        )
        if len(self.configurations.all()) + creating >= MAX_CONFIGURATIONS:
            raise EmulatorError(
                400,
                f"Maximum number of Configurations ({MAX_CONFIGURATIONS}) reached for this account: "
                "delete unused Configurations to make room",
                field="configurations",
            )

    def _accept(self, action: Action, configuration_id: str, fields: dict[str, Any], base_url: str) -> Accepted:
        operation_id = self.emulator.ids.mint("proc_job")
        status_url = f"{base_url.rstrip('/')}/v2/ControlPlane/Operations/{operation_id}"
        omit = action == "create" and self.emulator.faults.omits_configuration_id()
        related = None if omit else {"configurationId": configuration_id}  # live Twilio may omit it (C4)
        now = self.emulator.clock()
        operation = OperationRecord(
            operation_id=operation_id,
            status="PENDING",
            created_at=self.emulator.iso(now),
            status_url=status_url,
            related=related,
            change=Change(action=action, configuration_id=configuration_id, fields=fields),
        )
        with self.emulator.store.transaction():
            self.operations.put(operation_id, operation)
            due = now + self.emulator.faults.operation_delay
            self.pending.put(
                operation_id,
                PendingOperation(id=operation_id, due=due, fate=self.emulator.faults.operation_fate(), started=now),
            )
        headers = {"Operation-Id": operation_id, "Location": status_url, "Retry-After": str(self.retry_after())}
        body: dict[str, Any] = {"statusUrl": status_url}
        if related is not None:
            body["related"] = related
        accepted = Accepted(status=202, headers=headers, body=body)
        self.advance()
        return accepted

    def _idempotent(
        self, key: str | None, method: str, target: str, body: Any, accept: Callable[[], Accepted]
    ) -> Accepted:
        if key is None:
            return accept()
        self.emulator.check_pattern(key, IDEMPOTENCY_KEY_PATTERN, "Idempotency-Key")
        fingerprint = hashlib.sha256(json.dumps([method, target, body], sort_keys=True).encode()).hexdigest()
        now = self.emulator.clock()
        with self.emulator.store.transaction():
            seen = self.idempotency.get(key)
            if seen is not None and now - seen.at < IDEMPOTENCY_TTL:
                if seen.fingerprint != fingerprint:
                    raise conflict(
                        f"Idempotency-Key {key} was already used with a different request "
                        f"(within 24 hours); use a new key for a new request",
                        seen.accepted.body.get("related", {}).get("configurationId"),
                    )
                return seen.accepted
            result = accept()
            self.idempotency.put(key, IdempotencyRecord(fingerprint=fingerprint, at=now, accepted=result))
            return result

    def _check_references(self, fields: dict[str, Any], exclude: str | None) -> None:
        store = fields.get("memoryStoreId")
        if self.emulator.strict_references and store and not self.emulator.memory[self.account].store_exists(store):
            # live Twilio accepts a missing store and then fails silently (C5); --strict-references refuses it
            raise bad_request("memoryStoreId", f"no Memory Store {store} exists in this account")
        intelligence = self.emulator.intelligence[self.account]
        for i, ref in enumerate(fields.get("intelligenceConfigurationIds") or []):
            if not intelligence.configuration_exists(ref):
                raise bad_request(
                    f"intelligenceConfigurationIds[{i}]", f"no Intelligence Configuration {ref} exists in this account"
                )
        bridge = fields.get("conversationsV1Bridge")
        if bridge:
            for doc in self.configurations.all():
                if (
                    doc["id"] != exclude
                    and doc.get("conversationsV1Bridge", {}).get("serviceId") == bridge["serviceId"]
                ):
                    raise conflict(
                        f"Conversations V1 Service {bridge['serviceId']} is already bridged to "
                        f"configuration {doc['id']}",
                        doc["id"],
                    )

    def _apply(self, change: Change) -> None:
        configuration_id, fields = change.configuration_id, change.fields
        current = self.configurations.get(configuration_id)
        if change.action != "create" and current is None:
            raise not_found("Configuration", configuration_id)
        if change.action == "delete":
            self.configurations.delete(configuration_id)
            return
        self._check_references(fields, exclude=configuration_id)
        now = self.emulator.now_iso()
        if change.action == "create":
            doc = {"id": configuration_id, **fields, "createdAt": now, "version": 0}
        elif change.action == "replace":
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
        doc = with_server_defaults(ConversationConfiguration, doc, wire=True, stored_only=True)
        doc["updatedAt"] = now
        doc["version"] = doc["version"] + 1
        self.configurations.put(configuration_id, _ordered(doc))


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
