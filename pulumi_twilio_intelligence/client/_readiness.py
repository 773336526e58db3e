"""Waiting for an object that Twilio provisions or processes after the write itself is done.

A Memory Store is QUEUED, then PROVISIONING, then ACTIVE (or FAILED); a Knowledge Base likewise; a
knowledge source is SCHEDULED or QUEUED, then PROCESSING, then COMPLETED (or FAILED). A
:class:`Readiness` says which field and statuses tell; :func:`wait_until_ready` polls the object.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ProvisioningFailedError, ProvisioningTimeoutError
from ._operations import MAX_POLL_INTERVAL, MIN_POLL_INTERVAL

if TYPE_CHECKING:
    from ._collection import Collection


@dataclass(frozen=True)
class Readiness:
    """When an object is ready, by one field of it (wire name).

    Attributes:
        done: statuses that mean ready (``ACTIVE``, ``COMPLETED``).
        failed: statuses that mean it never will be (``FAILED``).
        field: the status field (wire name), ``status`` by default.
        problem: what went wrong, from the failed object (a knowledge source's ``source.errors``);
            ``None``: the status alone says it.
    """

    done: frozenset[str]
    failed: frozenset[str] = frozenset({"FAILED"})
    field: str = "status"
    problem: Callable[[dict[str, Any]], str | None] | None = None

    def is_ready(self, item: dict[str, Any]) -> bool:
        """Whether ``item`` (wire shape) is ready."""
        return item.get(self.field) in self.done


def wait_until_ready(
    collection: Collection,
    id_: str | None,
    readiness: Readiness,
    *,
    title: str,
    timeout: float,
    current: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The object ``id_`` of ``collection`` (wire shape) once ``readiness`` says it is ready.

    ``current`` is the object as just read, if the caller has it (no request when it is ready). Polls
    ``GET {collection}/{id}`` at 0.25 s doubling with jitter up to 10 s, never past ``timeout`` seconds
    (on ``collection.client.clock``).

    Raises:
        ProvisioningFailedError: the object reached a failed status (its id, status and problem).
        ProvisioningTimeoutError: not ready after ``timeout`` seconds.
        TwilioApiError, TwilioConnectionError: a poll failed (404 when the object was deleted meanwhile).
    """
    client = collection.client
    deadline = client.clock() + timeout
    interval = MIN_POLL_INTERVAL
    item = current if current is not None else collection.fetch(id_)
    while True:
        status = item.get(readiness.field)
        if status in readiness.done:
            return item
        if status in readiness.failed:
            problem = readiness.problem(item) if readiness.problem else None
            raise ProvisioningFailedError(title, str(item.get("id") or id_), str(status), problem, details=item)
        remaining = deadline - client.clock()
        if remaining <= 0:
            raise ProvisioningTimeoutError(title, str(item.get("id") or id_), str(status), timeout)
        client.sleep(min(interval * random.uniform(0.8, 1.2), remaining))
        interval = min(interval * 2, MAX_POLL_INTERVAL)
        item = collection.fetch(id_)
