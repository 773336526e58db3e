"""Commit hooks for crash tests: hold the answer to a write the emulator has just committed.

A test arms a hook for one route (``POST /v3/ControlPlane/Operators``); the next successful request
on that route is committed as usual (its transaction is durable), then recorded in
:attr:`Hooks.committed` and its answer held back until the test releases it (or ``hold`` seconds
pass). Between those two moments the test can kill the client whose create Twilio has committed but
whose result never arrived: the moment crash safety is about. Each hook fires once.

What is recorded names the written object: its ``id`` when the answer names one (a synchronous
create's body, a Conversations v2 202's ``related.configurationId``), and for an asynchronous write
(a 202) its Operation (the ``Operation-Id`` header) and the Operation's URL (``Location``): a Memory
or Knowledge create names no id until its Operation completes (``result.id``).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: The longest an answer may be held (seconds).
MAX_HOLD = 300.0


@dataclass
class Committed:
    """A write that a hook caught: its route (``"POST /v3/ControlPlane/Operators"``), the id of the
    object it wrote (when its answer names one), its Operation's id and URL (an asynchronous write;
    else ``None``) and when it was committed (epoch seconds)."""

    route: str
    id: str | None
    at: float
    operation: str | None = None
    status_url: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The admin API's shape: ``{route, id, operation, statusUrl, at}``."""
        return {
            "route": self.route,
            "id": self.id,
            "operation": self.operation,
            "statusUrl": self.status_url,
            "at": self.at,
        }


class Hooks:
    """The armed hooks (route -> seconds to hold), what they caught, and the release switch. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: dict[str, float] = {}
        self.committed: list[Committed] = []
        self._released = threading.Event()

    def arm(self, route: str, hold: float) -> None:
        """Hold the answer to the next successful ``route`` request for up to ``hold`` seconds."""
        with self._lock:
            self._armed[route] = hold
            self._released.clear()

    def clear(self) -> None:
        """Disarm every hook, forget what they caught and release every held answer."""
        with self._lock:
            self._armed.clear()
            self.committed.clear()
            self._released.set()

    def as_dict(self) -> dict[str, Any]:
        """``{armed: {route: seconds}, committed: [{route, id, operation, statusUrl, at}]}``."""
        with self._lock:
            return {"armed": dict(self._armed), "committed": [c.as_dict() for c in self.committed]}

    async def after_commit(self, route: str, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        """Called once a request on ``route`` has been committed, with its answer (``status``, JSON
        ``body``, ``headers``): when a hook is armed for it and the answer is a success, record it
        and wait until released (or the hook's time runs out)."""
        with self._lock:
            hold = self._armed.pop(route, None) if status < 300 else None
            if hold is None:
                return
            headers = {k.lower(): v for k, v in (headers or {}).items()}
            status_url = headers.get("location") or (body.get("statusUrl") if isinstance(body, dict) else None)
            self.committed.append(
                Committed(
                    route,
                    _written_id(body),
                    time.time(),
                    operation=headers.get("operation-id"),
                    status_url=status_url if isinstance(status_url, str) else None,
                )
            )
        deadline = time.monotonic() + hold
        while not self._released.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)


def _written_id(body: Any) -> str | None:
    """The id an answer names: ``id`` (a synchronous create), else ``related.configurationId`` (a
    Conversations v2 202); ``None`` for a 202 of Memory or Knowledge (``{message, statusUrl}``)."""
    if not isinstance(body, dict):
        return None
    related = body.get("related")
    found = body.get("id") or (related.get("configurationId") if isinstance(related, dict) else None)
    return found if isinstance(found, str) else None
