"""What the Memory v1 and Knowledge v2 ControlPlanes share: asynchronous Operations, 202 answers,
Idempotency-Keys, ETag/If-Match, and list pages with ``orderBy``.

Both documents define the same Operation (``OperationStatus``: PENDING, RUNNING, then COMPLETED
with a ``result``, FAILED with an ``error``, or CANCELLED), the same 202 body ``{message, statusUrl}``
with the headers ``Operation-Id``, ``Location`` and ``Retry-After``, and the same list envelope
``{<key>: [...], meta: {key, pageSize, nextToken?, previousToken?}}``.

An Operation's timeline, ``d`` being the fault setting ``operation_delay`` (seconds): PENDING from
its creation, RUNNING from ``d / 2``, done at ``d``. Operations advance lazily, whenever the
account's objects of that API are read or written, so no background thread is needed. The fault
settings decide each Operation's fate when it is accepted: it completes, fails, stays RUNNING for
ever (stuck) or ends CANCELLED.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import error_docs_url
from ..models.control_plane import DEFAULT_ORDER_BY, DEFAULT_PAGE_SIZE
from ..models.conversation_configuration import IDEMPOTENCY_KEY_PATTERN
from .errors import EmulatorError, bad_request, conflict
from .state import Record

if TYPE_CHECKING:
    from .backend import AccountBackend

#: How long an Idempotency-Key is remembered (seconds).
IDEMPOTENCY_TTL = 24 * 3600.0
#: The documents' limit on ``If-Match`` (characters).
MAX_IF_MATCH = 100
_TITLES = {400: "Bad Request", 404: "Not Found", 409: "Conflict", 500: "Internal Server Error"}


class PendingOperation(Record):
    """An Operation not finished yet.

    Attributes:
        operation_id: its id.
        created: when it was accepted (seconds since the epoch).
        fate: ``ok``, ``fail``, ``stuck`` or ``cancel`` (from the fault settings).
        running: whether it has reached RUNNING.
        change: what the API's backend applies when it completes (its own shape).
    """

    operation_id: str
    created: float
    fate: str
    running: bool = False
    change: dict[str, Any]


class RememberedAnswer(Record):
    """The 202 given for an Idempotency-Key, replayed for the same request within 24 hours."""

    fingerprint: str
    at: float
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass(frozen=True)
class Accepted:
    """A 202 answer: the headers (``Operation-Id``, ``Location``, ``Retry-After``) and the body."""

    headers: dict[str, str]
    body: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """What a completed Operation produced: the resource's id (``result.id``) and, when it still
    exists, the path to fetch it (``resultUrl``)."""

    resource_id: str
    path: str | None = None


class Lifecycle(Protocol):
    """What an API's backend does as its Operations progress (``change`` is its own shape)."""

    def operation_running(self, change: dict[str, Any]) -> None:
        """The Operation reached RUNNING (a store starts PROVISIONING...)."""

    def operation_completed(self, change: dict[str, Any]) -> Outcome:
        """Apply the change; raise :class:`EmulatorError` to end the Operation FAILED instead."""
        ...

    def operation_abandoned(self, change: dict[str, Any], status: str) -> None:
        """The Operation ended ``FAILED`` (an injected failure) or ``CANCELLED``: nothing is applied."""


class Operations:
    """The asynchronous Operations of one API in one account.

    Args:
        backend: the API's backend for the account (its tables hold the Operations).
        lifecycle: the backend's reactions to progress (usually the backend itself).
        api: the API's name, prefixing the table kinds (``memory``, ``knowledge``).
        id_prefix: the TTID prefix of Operation ids (``mem_operation``): Knowledge v2 and
            Conversations v2 share the path ``/v2/ControlPlane/Operations/{id}``, so the prefix is
            what tells them apart.
        path: the Operations collection (``/v1/ControlPlane/Operations``).
    """

    def __init__(self, backend: AccountBackend, lifecycle: Lifecycle, *, api: str, id_prefix: str, path: str) -> None:
        self.emulator = backend.emulator
        self.lifecycle = lifecycle
        self.id_prefix = id_prefix
        self.path = path
        self.operations = backend.table(f"{api}_operation", dict)
        self.pending = backend.table(f"{api}_pending_operation", PendingOperation)
        self.answers = backend.table(f"{api}_idempotency_key", RememberedAnswer)

    def count(self) -> int:
        """How many Operations exist (finished or not)."""
        return len(self.operations.all())

    def retry_after(self) -> int:
        """The ``Retry-After`` (whole seconds) to advise while an Operation is not finished."""
        return math.ceil(self.emulator.faults.operation_delay)

    def get(self, operation_id: str) -> dict[str, Any] | None:
        """The Operation's wire body (``OperationStatus``), or ``None``."""
        self.advance()
        return self.operations.get(operation_id)

    def accept(
        self,
        *,
        key: str | None,
        request: list[Any],
        prepare: Callable[[], tuple[dict[str, Any], str]],
        base_url: str,
    ) -> Accepted:
        """Accept a write: 202 and a PENDING Operation.

        Args:
            key: the ``Idempotency-Key`` header (a UUID), if sent: the same key with the same
                ``request`` within 24 hours answers the original 202 again and does nothing; with
                another request it is refused (409).
            request: what identifies the request for the key (method, target, body).
            prepare: validates the request (raising :class:`EmulatorError`) and returns the change
                the backend applies on completion, and the 202's message.
            base_url: the scheme and host the client used (for ``statusUrl``).
        """
        if key is None:
            return self._accept(prepare, base_url)
        self.emulator.check_pattern(key, IDEMPOTENCY_KEY_PATTERN, "Idempotency-Key")
        fingerprint = hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()
        now = self.emulator.clock()
        with self.emulator.store.transaction():
            seen = self.answers.get(key)
            if seen is not None and now - seen.at < IDEMPOTENCY_TTL:
                if seen.fingerprint != fingerprint:
                    raise conflict(
                        f"Idempotency-Key {key} was already used with a different request "
                        f"(within 24 hours); use a new key for a new request"
                    )
                return Accepted(dict(seen.headers), dict(seen.body))
            accepted = self._accept(prepare, base_url)
            remembered = RememberedAnswer(fingerprint=fingerprint, at=now, headers=accepted.headers, body=accepted.body)
            self.answers.put(key, remembered)
            return accepted

    def _accept(self, prepare: Callable[[], tuple[dict[str, Any], str]], base_url: str) -> Accepted:
        with self.emulator.store.transaction():
            self.advance()
            change, message = prepare()
            operation_id = self.emulator.ids.mint(self.id_prefix)
            status_url = f"{base_url.rstrip('/')}{self.path}/{operation_id}"
            now = self.emulator.clock()
            self.operations.put(
                operation_id,
                {
                    "operationId": operation_id,
                    "status": "PENDING",
                    "createdAt": self.emulator.iso(now),
                    "statusUrl": status_url,
                },
            )
            fate = self.emulator.faults.operation_fate()
            self.pending.put(
                operation_id, PendingOperation(operation_id=operation_id, created=now, fate=fate, change=change)
            )
            headers = {"Operation-Id": operation_id, "Location": status_url, "Retry-After": str(self.retry_after())}
            accepted = Accepted(headers, {"message": message, "statusUrl": status_url})
            self.advance()
        return accepted

    def advance(self) -> None:
        """Move every unfinished Operation of the account along its timeline, in order."""
        now = self.emulator.clock()
        delay = self.emulator.faults.operation_delay
        with self.emulator.store.transaction():
            for pending in self.pending.all():
                if not pending.running and now >= pending.created + delay / 2:
                    pending.running = True
                    self.pending.put(pending.operation_id, pending)
                    self._set(pending.operation_id, status="RUNNING")
                    self.lifecycle.operation_running(pending.change)
                if pending.fate == "stuck" or now < pending.created + delay:
                    continue
                self.pending.delete(pending.operation_id)
                self._finish(pending)

    def _finish(self, pending: PendingOperation) -> None:
        if pending.fate in ("cancel", "cancelled"):
            self.lifecycle.operation_abandoned(pending.change, "CANCELLED")
            self._set(pending.operation_id, status="CANCELLED", completedAt=self.emulator.now_iso())
            return
        if pending.fate == "fail":
            self.lifecycle.operation_abandoned(pending.change, "FAILED")
            error = problem(500, "The operation failed (injected by the emulator).")
            self._set(pending.operation_id, status="FAILED", completedAt=self.emulator.now_iso(), error=error)
            return
        try:  # a backend checks everything before it writes, so a refused change leaves nothing behind
            outcome = self.lifecycle.operation_completed(pending.change)
        except EmulatorError as exc:
            error = problem(exc.status, exc.message, exc.code)
            self._set(pending.operation_id, status="FAILED", completedAt=self.emulator.now_iso(), error=error)
            return
        operation = self.operations.get(pending.operation_id) or {}
        fields: dict[str, Any] = {
            "status": "COMPLETED",
            "completedAt": self.emulator.now_iso(),
            "result": {"type": "RESOURCE_ID", "id": outcome.resource_id},
        }
        if outcome.path is not None:
            base = str(operation.get("statusUrl", "")).split(self.path, 1)[0]
            fields["resultUrl"] = f"{base}{outcome.path}"
        self._set(pending.operation_id, **fields)

    def _set(self, operation_id: str, **fields: Any) -> None:
        operation = self.operations.get(operation_id)
        if operation is not None:
            self.operations.put(operation_id, {**operation, **fields})


def problem(status: int, detail: str, code: int | None = None) -> dict[str, Any]:
    """An Operation's ``error``: ``{type, title, code, detail}``."""
    code = code or 20000 + status
    return {"type": error_docs_url(code), "title": _TITLES.get(status, "Error"), "code": code, "detail": detail}


# -- ETag / If-Match --------------------------------------------------------------------------


def etag(resource_id: str, version: int) -> str:
    """The ``ETag`` of a version of a resource: an opaque quoted token (base64 of a digest of its id
    and its version, like the documents' example ``eyJpZCI6ImFuX2lkIiwidiI6MX0``), short enough for
    an ``If-Match`` (at most 100 characters)."""
    digest = hashlib.sha256(resource_id.encode()).hexdigest()[:12]
    token = base64.urlsafe_b64encode(json.dumps({"id": digest, "v": version}, separators=(",", ":")).encode())
    return f'"{token.decode().rstrip("=")}"'


def check_if_match(if_match: str | None, resource_id: str, version: int, what: str) -> None:
    """412 unless ``If-Match`` is absent, ``*``, or names the current ``ETag`` (quoted or not, weak or not)."""
    if if_match is None or if_match.strip() == "*":
        return
    if len(if_match) > MAX_IF_MATCH:
        raise bad_request("If-Match", f"must be at most {MAX_IF_MATCH} characters")
    current = etag(resource_id, version)
    offered = [tag.strip().removeprefix("W/").strip('"') for tag in if_match.split(",")]
    if current.strip('"') not in offered:
        raise EmulatorError(
            412,
            f"Precondition failed: If-Match {if_match.strip()} is not the current ETag {current} of {what} "
            f"{resource_id} (version {version}); fetch it again",
        )


# -- lists ------------------------------------------------------------------------------------


def page(
    items: list[tuple[int, dict[str, Any]]],
    query: Mapping[str, str],
    *,
    key: str,
    max_page_size: int,
    ordered: bool = True,
) -> dict[str, Any]:
    """One page of ``(seq, item)`` pairs (in creation order) in the list envelope.

    Query: ``pageSize`` (1-``max_page_size``, default 50), ``pageToken`` (opaque, from
    ``meta.nextToken``/``previousToken``) and, when ``ordered``, ``orderBy`` (``DESC``, the
    default, newest first; or ``ASC``). 400 naming the parameter when one is invalid.
    """
    size, order = list_parameters(query, max_page_size, ordered=ordered)
    sequence = items if order == "ASC" else list(reversed(items))
    token = query.get("pageToken")
    start = 0
    if token is not None:
        start = _decode(token, order)
    chosen = sequence[start : start + size]
    meta: dict[str, Any] = {"key": key, "pageSize": len(chosen)}
    if start + size < len(sequence):
        meta["nextToken"] = _encode(start + size, order)
    if start > 0:
        meta["previousToken"] = _encode(max(0, start - size), order)
    return {key: [item for _seq, item in chosen], "meta": meta}


def list_parameters(query: Mapping[str, str], max_page_size: int, *, ordered: bool = True) -> tuple[int, str]:
    """``(pageSize, orderBy)`` of a list query, validated with ``pageToken`` (400 naming the
    parameter); ``orderBy`` is ``ASC`` when the list is not ``ordered``."""
    size = _page_size(query, max_page_size)
    order = query.get("orderBy", DEFAULT_ORDER_BY) if ordered else "ASC"
    if order not in ("ASC", "DESC"):
        raise bad_request("orderBy", "must be ASC or DESC")
    if query.get("pageToken") == "":
        raise bad_request("pageToken", "must not be empty")
    return size, order


def _page_size(query: Mapping[str, str], maximum: int) -> int:
    raw = query.get("pageSize")
    if raw is None:
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        raise bad_request("pageSize", "must be an integer") from None
    if not 1 <= size <= maximum:
        raise bad_request("pageSize", f"must be between 1 and {maximum}")
    return size


def _encode(offset: int, order: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset, "by": order}).encode()).decode().rstrip("=")


def _decode(token: str, order: str) -> int:
    if not token:
        raise bad_request("pageToken", "must not be empty")
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        offset, by = int(data["o"]), data["by"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise bad_request("pageToken", "is not a token this API issued") from None
    if by != order or offset < 0:
        raise bad_request("pageToken", "belongs to another orderBy; start again without a token")
    return offset


def flag(query: Mapping[str, str], name: str, default: bool) -> bool:
    """A boolean query parameter (``true``/``false``); 400 naming it otherwise."""
    raw = query.get(name)
    if raw is None:
        return default
    if raw not in ("true", "false"):
        raise bad_request(name, "must be true or false")
    return raw == "true"
