"""A clock that tests move by hand, to drive Operations and the Idempotency-Key TTL without sleeping."""

from __future__ import annotations

import threading
from datetime import datetime, timezone

#: Where a :class:`ManualClock` starts by default: 2026-01-01T00:00:00Z.
DEFAULT_START = datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp()


class ManualClock:
    """A callable clock (seconds since the epoch) that only moves when told to.

    Pass it as ``Emulator(clock=...)`` or ``mock_twilio(clock=...)``::

        clock = ManualClock()
        with mock_twilio(clock=clock, faults=Faults(operation_delay=5)) as twilio:
            ...                 # a write: its Operation is PENDING
            clock.advance(5)    # now it is COMPLETED

    Thread-safe: the in-process transport serves requests on another thread.
    """

    def __init__(self, start: float = DEFAULT_START) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def __call__(self) -> float:
        """The current time, in seconds since the epoch."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` (not negative) and return the new time.

        Raises:
            ValueError: ``seconds`` is negative (time never goes back).
        """
        if seconds < 0:
            raise ValueError("a clock only moves forward")
        with self._lock:
            self._now += seconds
            return self._now
