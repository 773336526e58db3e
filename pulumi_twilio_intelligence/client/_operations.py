"""Waiting for asynchronous Operations (Conversations v2 writes answer 202 + an Operation)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from ..errors import OperationFailedError, OperationTimeoutError
from ..models import Operation, OperationAccepted
from ._errors import scrub_json
from ._http import TwilioClient
from ._retry import parse_retry_after

#: First poll interval without Retry-After, and the ceiling of the backoff (seconds).
MIN_POLL_INTERVAL = 0.25
MAX_POLL_INTERVAL = 10.0


@dataclass(frozen=True)
class AcceptedOperation:
    """What a 202 says: the Operation's id and status URL, the ids it relates to, and Retry-After."""

    operation_id: str
    status_url: str
    related: dict[str, str]
    retry_after: float | None

    @classmethod
    def from_response(cls, response: httpx.Response) -> AcceptedOperation:
        """Read a 202 answer (body ``{statusUrl, related}``, headers ``Operation-Id``, ``Retry-After``)."""
        body = OperationAccepted.from_wire(response.json())
        status_url = body.status_url or response.headers.get("Location", "")
        operation_id = response.headers.get("Operation-Id") or status_url.rstrip("/").rsplit("/", 1)[-1]
        return cls(
            operation_id=operation_id,
            status_url=status_url,
            related=dict(body.related or {}),
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )


def wait_for_operation(
    client: TwilioClient,
    accepted: AcceptedOperation,
    *,
    timeout: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Operation:
    """Poll ``accepted.status_url`` until the Operation is COMPLETED, and return it.

    Between polls it waits for ``Retry-After`` when the server sends one, otherwise an interval that
    starts at 0.25 s and doubles with jitter up to 10 s; never past the deadline.

    Raises:
        OperationFailedError: the Operation ended FAILED (carries the RFC 9457 problem).
        OperationTimeoutError: still PENDING after ``timeout`` seconds.
        TwilioApiError: polling itself failed (after the REST layer's retries).
    """
    deadline = clock() + timeout
    interval = MIN_POLL_INTERVAL
    delay = accepted.retry_after if accepted.retry_after is not None else 0.0
    while True:
        remaining = deadline - clock()
        if delay > 0:
            if remaining <= 0:
                raise OperationTimeoutError(accepted.operation_id, timeout)
            sleep(min(delay, remaining))
        response = client.request("GET", accepted.status_url)
        operation = Operation.from_wire(response.json())
        if operation.status == "COMPLETED":
            return operation
        if operation.status == "FAILED":
            problem = scrub_json(operation.error.to_wire(), client.settings.secrets()) if operation.error else None
            raise OperationFailedError(operation.operation_id, problem, created_at=operation.created_at)
        if clock() >= deadline:
            raise OperationTimeoutError(accepted.operation_id, timeout)
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if retry_after is not None:
            delay = max(retry_after, MIN_POLL_INTERVAL)
        else:
            delay = interval * random.uniform(0.8, 1.2)
            interval = min(interval * 2, MAX_POLL_INTERVAL)
