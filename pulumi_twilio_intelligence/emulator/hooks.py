"""Commit hooks for crash tests: hold the answer to a write the emulator has just committed.

A test arms a hook for one route (``POST /v3/ControlPlane/Operators``); the next successful request
on that route is committed as usual (its transaction is durable), then recorded in
:attr:`Hooks.committed` and its answer held back until the test releases it (or ``hold`` seconds
pass). Between those two moments the test can kill the client whose create Twilio has committed but
whose result never arrived: the moment crash safety is about. Each hook fires once.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass
from typing import Any

#: The longest an answer may be held (seconds).
MAX_HOLD = 300.0


@dataclass
class Committed:
    """A write that a hook caught: its route (``"POST /v3/ControlPlane/Operators"``), the id of the
    object it wrote (when its answer names one) and when it was committed (epoch seconds)."""

    route: str
    id: str | None
    at: float

    def as_dict(self) -> dict[str, Any]:
        """The admin API's shape: ``{route, id, at}``."""
        return {"route": self.route, "id": self.id, "at": self.at}


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
        """``{armed: {route: seconds}, committed: [{route, id, at}]}``."""
        with self._lock:
            return {"armed": dict(self._armed), "committed": [c.as_dict() for c in self.committed]}

    async def after_commit(self, route: str, status: int, body: Any) -> None:
        """Called once a request on ``route`` has been committed: when a hook is armed for it and the
        answer is a success, record it and wait until released (or the hook's time runs out)."""
        with self._lock:
            hold = self._armed.pop(route, None) if status < 300 else None
            if hold is None:
                return
            self.committed.append(Committed(route, _written_id(body), time.time()))
        deadline = time.monotonic() + hold
        while not self._released.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)


def _written_id(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    related = body.get("related")
    found = body.get("id") or (related.get("configurationId") if isinstance(related, dict) else None)
    return found if isinstance(found, str) else None
