"""Waiting for asynchronous Operations: one poller for every API whose writes answer 202 + an Operation.

Conversations v2, Memory v1 and Knowledge v2 each have their own Operations endpoint and shape
(Conversations name the written object in ``related.configurationId``, Memory and Knowledge in
``result.id``); an :class:`OperationKind` says how one API's Operations read, and
:func:`wait_for_operation` serves them all: ``Retry-After``, backoff with jitter, our own deadline,
and whether an Operation is a replay of an earlier one (Idempotency-Keys).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Container
from dataclasses import dataclass
from typing import Any

import httpx

from ..errors import (
    OperationAbandonedError,
    OperationCancelledError,
    OperationFailedError,
    OperationTimeoutError,
    UnexpectedResponseError,
)
from ..models import Operation, WireModel
from ._errors import scrub_json
from ._http import TwilioClient
from ._responses import parse_response, request_line, response_json
from ._retry import parse_retry_after
from ._time import iso_time, server_date

#: First poll interval without Retry-After, and the ceiling of the backoff (seconds).
MIN_POLL_INTERVAL = 0.25
MAX_POLL_INTERVAL = 10.0
#: An Operation created more than this many seconds before our request was sent (by Twilio's clock:
#: the ``Date`` of the 202 minus the time the request took) is an earlier one: Twilio replayed its
#: answer to an Idempotency-Key it had already seen. The margin covers ``Date``'s whole seconds.
REPLAY_MARGIN = 2.0


def _related_id(key: str) -> Callable[[dict[str, str], Any], str | None]:
    def created_id(related: dict[str, str], operation: Any) -> str | None:
        found = {**related, **(getattr(operation, "related", None) or {})}.get(key)
        return found if isinstance(found, str) and found else None

    return created_id


def result_id(_related: dict[str, str], operation: Any) -> str | None:
    """The id in an Operation's ``result`` (``{type: RESOURCE_ID, id}``: Memory v1, Knowledge v2)."""
    result = getattr(operation, "result", None)
    found = result.get("id") if isinstance(result, dict) else getattr(result, "id", None)
    return found if isinstance(found, str) and found else None


@dataclass(frozen=True)
class OperationKind:
    """How one API's Operations read: data, so that one poller serves every API.

    Attributes:
        model: the wire model of ``GET .../Operations/{id}`` (read leniently: any status string).
        completed: statuses that end the wait successfully.
        failed: statuses that end it with :class:`OperationFailedError` (the Operation's ``error``).
        cancelled: statuses that end it with :class:`OperationCancelledError` at once (``CANCELLED``:
            on the docs page, not in the documents' enums, C8). Every other status (``PENDING``,
            ``RUNNING``...) means "not yet".
        created_id: the id of the object a completed create made, from the 202's ``related`` map and
            the completed Operation; ``None`` when neither names it.
    """

    model: type[WireModel]
    completed: frozenset[str] = frozenset({"COMPLETED"})
    failed: frozenset[str] = frozenset({"FAILED"})
    cancelled: frozenset[str] = frozenset({"CANCELLED"})
    created_id: Callable[[dict[str, str], Any], str | None] = result_id


#: Conversations v2 (``/v2/ControlPlane/Operations/{id}`` on conversations.twilio.com): the written
#: configuration is ``related.configurationId``.
CONVERSATIONS_OPERATIONS = OperationKind(Operation, created_id=_related_id("configurationId"))


@dataclass(frozen=True)
class AcceptedOperation:
    """What a 202 says, and about which request.

    Attributes:
        operation_id: the ``Operation-Id`` header (else the last segment of the status URL).
        status_url: where to poll: ``statusUrl`` of the body, else the ``Location`` header, resolved
            against the request's URL when relative.
        related: the ids it relates to (``{"configurationId": ...}``).
        retry_after: seconds to wait before the first poll (``Retry-After``), if given.
        accepted_at: Twilio's time when it answered (its ``Date`` header; the local clock if absent),
            in seconds since the epoch.
        method, path: the write that was accepted.
        elapsed: seconds between sending the request and its answer (local clock).
    """

    operation_id: str
    status_url: str
    related: dict[str, str]
    retry_after: float | None
    accepted_at: float
    method: str = ""
    path: str = ""
    elapsed: float = 0.0

    @classmethod
    def from_response(cls, response: httpx.Response, *, now: float) -> AcceptedOperation:
        """Read a 202 answer (body ``{statusUrl, related}``, headers ``Operation-Id``, ``Location``,
        ``Retry-After``, ``Date``); ``now`` is the local time, used when there is no ``Date``.

        Raises:
            UnexpectedResponseError: no status URL in the body nor in ``Location``.
        """
        method, path = request_line(response)
        body = response_json(response)
        body = body if isinstance(body, dict) else {}
        location = body.get("statusUrl") or response.headers.get("Location")
        if not isinstance(location, str) or not location:
            raise UnexpectedResponseError(f"{method} {path} answered 202 without statusUrl or Location")
        status_url = str(response.request.url.join(location))
        operation_id = response.headers.get("Operation-Id") or status_url.rstrip("/").rsplit("/", 1)[-1]
        related = body.get("related")
        date = server_date(response)
        try:
            elapsed = response.elapsed.total_seconds()
        except RuntimeError:  # a response not read yet has no elapsed time
            elapsed = 0.0
        return cls(
            operation_id=operation_id,
            status_url=status_url,
            related={str(k): str(v) for k, v in related.items()} if isinstance(related, dict) else {},
            retry_after=parse_retry_after(response.headers.get("Retry-After"), now=date),
            accepted_at=date if date is not None else now,
            method=method,
            path=path,
            elapsed=elapsed,
        )

    def is_replay(self, operation: Operation) -> bool:
        """Whether ``operation`` (the one polled) was created before this request was sent: Twilio
        replayed an earlier write's answer to the same Idempotency-Key."""
        created = iso_time(operation.created_at)
        return created is not None and created < self.accepted_at - self.elapsed - REPLAY_MARGIN


def wait_for_operation(
    client: TwilioClient,
    accepted: AcceptedOperation,
    *,
    timeout: float,
    kind: OperationKind = CONVERSATIONS_OPERATIONS,
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] | None = None,
    abandon: Container[str] = (),
) -> Any:
    """Poll ``accepted.status_url`` until the Operation is COMPLETED, and return it (a ``kind.model``).

    Between polls it waits (``client.sleep``, unless ``sleep`` is given) for ``Retry-After`` when the
    server sends one, otherwise an interval that starts at 0.25 s and doubles with jitter up to 10 s;
    never past the deadline (``timeout`` seconds on ``client.clock``, unless ``clock`` is given).
    ``kind`` says which statuses end the wait (by default those of Conversations v2); any other
    (``PENDING``, ``RUNNING``) means "not yet". An unfinished Operation whose id is in ``abandon``
    is given up on at the first poll.

    Raises:
        OperationFailedError: the Operation ended FAILED (the RFC 9457 problem, the write's method and
            path, and whether it was a replayed earlier Operation); ``OperationCancelledError`` when it
            ended CANCELLED, at once.
        OperationAbandonedError: not finished, and named in ``abandon``.
        OperationTimeoutError: not finished after ``timeout`` seconds.
        TwilioApiError, TwilioConnectionError: polling itself failed (after the REST layer's retries).
        UnexpectedResponseError: an answer that is not an Operation.
    """
    wait: Callable[[float], None] = sleep or client.sleep
    now: Callable[[], float] = clock or client.clock
    deadline = now() + timeout
    interval = MIN_POLL_INTERVAL
    delay = accepted.retry_after if accepted.retry_after is not None else 0.0
    status = "PENDING"
    if accepted.operation_id in abandon:
        delay = 0.0  # read its status at once: a finished Operation is used, an unfinished one given up on
    while True:
        remaining = deadline - now()
        if delay > 0:
            if remaining <= 0:
                raise OperationTimeoutError(accepted.operation_id, timeout, status=status)
            wait(min(delay, remaining))
        response = client.request("GET", accepted.status_url)
        method, path = request_line(response)
        operation: Any = parse_response(kind.model, response_json(response), method=method, path=path)
        status = str(operation.status)
        if status in kind.completed:
            return operation
        if status in kind.failed or status in kind.cancelled:
            failure = OperationCancelledError if status in kind.cancelled else OperationFailedError
            problem = scrub_json(operation.error.to_wire(), client.settings.secrets()) if operation.error else None
            raise failure(
                operation.operation_id,
                problem,
                created_at=operation.created_at,
                replayed=accepted.is_replay(operation),
                state=status,
                method=accepted.method,
                path=accepted.path,
            )
        if operation.operation_id in abandon or accepted.operation_id in abandon:
            raise OperationAbandonedError(operation.operation_id, status)
        if now() >= deadline:
            raise OperationTimeoutError(accepted.operation_id, timeout, status=status)
        retry_after = parse_retry_after(response.headers.get("Retry-After"), now=server_date(response))
        if retry_after is not None:
            delay = max(retry_after, MIN_POLL_INTERVAL)
        else:
            delay = interval * random.uniform(0.8, 1.2)
            interval = min(interval * 2, MAX_POLL_INTERVAL)
