"""A tenant's stack is never run twice at once: one lock per tenant.

- :class:`FileLock` (local executor): ``fcntl.flock`` on ``.fleet/locks/<tenant>.lock``; the operating
  system releases it when the process dies.
- :class:`RedisLock` (celery executor): a Redis lock with a short time-to-live that a heartbeat thread
  extends while the tenant runs; a killed worker's lock expires within ``ttl`` seconds, so the worker
  that gets the task next can take it.

Holding the lock also proves that no live run holds the stack: an engine lock or pending operations
left in the state then come from a run that died, and the runner clears them by Pulumi's documented
paths (``pulumi cancel``, ``pulumi refresh --clear-pending-creates``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol


class TenantLockTimeout(TimeoutError):
    """The tenant's lock stayed held by another run for the whole wait."""


class TenantLock(Protocol):
    """A context manager that holds one tenant's lock."""

    def __enter__(self) -> TenantLock: ...

    def __exit__(self, *exc: object) -> None: ...


class FileLock:
    """An exclusive ``flock`` on ``path``; waits up to ``wait`` seconds (polling every 0.2 s).

    Raises:
        TenantLockTimeout: another process held it for the whole wait.
    """

    def __init__(self, path: Path, *, wait: float = 3600.0) -> None:
        self.path = path
        self.wait = wait
        self._fd: int | None = None

    def __enter__(self) -> FileLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise TenantLockTimeout(
                        f"{self.path.stem}: another run held the stack for {self.wait:.0f} s"
                    ) from None
                time.sleep(0.2)
        self._fd = fd
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class RedisLock:
    """A Redis lock named ``name`` with time-to-live ``ttl`` seconds, extended every ``ttl / 3`` seconds
    while held; waits up to ``wait`` seconds for it.

    Raises:
        TenantLockTimeout: another worker held it for the whole wait.
    """

    def __init__(self, redis: Any, name: str, *, ttl: float = 30.0, wait: float = 3600.0) -> None:
        self._lock = redis.lock(name, timeout=ttl, blocking_timeout=wait, thread_local=False)
        self.name = name
        self.ttl = ttl
        self.wait = wait
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def __enter__(self) -> RedisLock:
        if not self._lock.acquire(blocking=True):
            raise TenantLockTimeout(f"{self.name}: another worker held the stack for {self.wait:.0f} s")
        self._stop.clear()
        self._beat = threading.Thread(target=self._heartbeat, name=f"lock-{self.name}", daemon=True)
        self._beat.start()
        return self

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            try:
                self._lock.reacquire()
            except Exception:  # lost (e.g. Redis restarted): the run goes on, the next extend retries
                continue

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=5)
        with contextlib.suppress(Exception):  # expired meanwhile: nothing to release
            self._lock.release()
