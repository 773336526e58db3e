"""What this provider process already knows of Twilio's objects, shared by every resource type.

Online checks look referenced objects up here first (``GET`` only on a miss); creates, updates and
reads of the provider store the object they got from Twilio, deletes forget it. So within one
``pulumi up`` a configuration referencing operators created by the same ``up`` costs no request, and
an operator version named by 50 configurations is fetched once.

One :class:`KnownObjects` per Twilio account and transport (the network, or an in-process emulator
in tests), for the life of the process (a provider process lives for one Pulumi operation).
Thread-safe: concurrent lookups of the same key make one request, the others wait for its answer.
Failures are never remembered (the next lookup asks again).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Any, TypeVar

from ..client import TwilioClient
from ..errors import ConfigurationError

T = TypeVar("T")


class KnownObjects:
    """A thread-safe map ``key -> answer`` (keys are object URLs, or tuples for derived answers)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[Hashable, Future[Any] | _Answer] = {}
        self._under: dict[Hashable, set[Hashable]] = {}

    def lookup(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The answer stored for ``key``, else ``compute()`` (stored when it returns).

        Concurrent lookups of a missing key run ``compute`` once; the others wait and get its answer
        or its exception. An exception is not stored.
        """
        with self._lock:
            entry = self._entries.get(key)
            owner = entry is None
            if entry is None:
                entry = self._entries[key] = Future()
        if not owner:
            return entry.result()  # type: ignore[no-any-return]
        assert isinstance(entry, Future)
        try:
            value = compute()
        except BaseException as exc:
            with self._lock:
                if self._entries.get(key) is entry:
                    del self._entries[key]
            entry.set_exception(exc)
            raise
        entry.set_result(value)
        return value

    def store(self, key: Hashable, value: Any, *, under: Hashable | None = None) -> None:
        """Remember ``value`` as the answer for ``key`` (replacing any other); with ``under``, it is
        forgotten with that key too (an operator version's answer with its operator)."""
        entry = _Answer(value)
        with self._lock:
            self._entries[key] = entry
            if under is not None:
                self._under.setdefault(under, set()).add(key)

    def forget(self, key: Hashable) -> None:
        """Drop the answer for ``key`` and those stored under it."""
        with self._lock:
            for each in (key, *self._under.pop(key, ())):
                self._entries.pop(each, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


class _Answer:
    """A stored answer: what :meth:`KnownObjects.store` keeps (a resolved ``Future`` costs a
    ``threading.Condition`` per object; this is read the same way)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


_lock = threading.Lock()
_scopes: weakref.WeakKeyDictionary[Any, dict[str, KnownObjects]] = weakref.WeakKeyDictionary()
_network: dict[str, KnownObjects] = {}  # clients without a transport of their own
_by_client: weakref.WeakKeyDictionary[TwilioClient, KnownObjects] = weakref.WeakKeyDictionary()


def known_objects(client: TwilioClient) -> KnownObjects:
    """The objects known for ``client``'s account and transport (created on first use)."""
    with _lock:
        found = _by_client.get(client)
    if found is not None:
        return found
    try:
        account = client.settings.credentials()[0]
    except ConfigurationError:  # no credentials: nothing can be fetched anyway
        account = ""
    transport = client.transport
    with _lock:
        per_account = _network if transport is None else _scopes.setdefault(transport, {})
        known = per_account.get(account)
        if known is None:
            known = per_account[account] = KnownObjects()
        _by_client[client] = known
        return known


def forget_everything() -> None:
    """Forget what every scope knows (for tests that reuse one transport across scenarios)."""
    with _lock:
        _network.clear()
        _scopes.clear()
        _by_client.clear()
