"""Typed records of the Conversations v2 backend (besides configurations, which are kept as the wire
bodies the API serves)."""

from __future__ import annotations

from typing import Any, Literal

from ..faults import Fate
from ..state import Record

Action = Literal["create", "replace", "patch", "delete"]
#: The document's enum (PENDING, COMPLETED, FAILED) and the two statuses Twilio's docs page on
#: Operations adds (RUNNING, CANCELLED: live note C8).
OperationStatus = Literal["PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"]


class Accepted(Record):
    """A 202 answer: status, headers and body, as replayed for a repeated Idempotency-Key."""

    status: int
    headers: dict[str, str]
    body: dict[str, Any]


class Change(Record):
    """What an Operation does to a configuration when it completes.

    Attributes:
        action: ``create``, ``replace`` (PUT), ``patch`` or ``delete``.
        configuration_id: the configuration written.
        fields: the validated request body (wire names); empty for a delete.
    """

    action: Action
    configuration_id: str
    fields: dict[str, Any]


class OperationRecord(Record):
    """An Operation (``GET /v2/ControlPlane/Operations/{id}``) and the change it applies.

    Attributes:
        operation_id, status, created_at, status_url, related, completed_at, error: the public
            fields (wire names in :meth:`to_wire`); ``error`` is an RFC 9457 problem; ``related``
            is ``None`` for a create whose id is left out (``omit_configuration_ids``, C4).
        change: what completing it does (never shown).
    """

    operation_id: str
    status: OperationStatus
    created_at: str
    status_url: str
    related: dict[str, str] | None
    completed_at: str | None = None
    error: dict[str, Any] | None = None
    change: Change

    def to_wire(self) -> dict[str, Any]:
        """The public body of ``GET /v2/ControlPlane/Operations/{id}``."""
        wire: dict[str, Any] = {
            "operationId": self.operation_id,
            "status": self.status,
            "createdAt": self.created_at,
            "statusUrl": self.status_url,
        }
        if self.related is not None:
            wire["related"] = self.related
        if self.completed_at is not None:
            wire["completedAt"] = self.completed_at
        if self.error is not None:
            wire["error"] = self.error
        return wire


class PendingOperation(Record):
    """An Operation still PENDING: when it started and when it is due (seconds since the epoch), and
    how it will end."""

    id: str
    due: float
    fate: Fate
    started: float = 0.0


class IdempotencyRecord(Record):
    """A write seen with an ``Idempotency-Key``: the request's fingerprint, when (seconds since the
    epoch), and the answer to replay."""

    fingerprint: str
    at: float
    accepted: Accepted
