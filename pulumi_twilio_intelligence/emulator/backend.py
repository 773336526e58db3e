"""One backend object per account and API, as moto's ``BackendDict`` gives them."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Generic, TypeVar

from .state import R, Table

if TYPE_CHECKING:
    from .core import Emulator

B = TypeVar("B", bound="AccountBackend")


class AccountBackend:
    """The state and business rules of one API in one account (moto's ``models.py`` backend).

    A backend takes validated request bodies and returns wire dicts or raises
    :class:`~.errors.EmulatorError`; its handlers (``responses.py``) do HTTP. It keeps no state of
    its own: everything lives in the emulator's store (reach it with :meth:`table`), so reset,
    persistence to a file and crash safety hold for every API.

    Attributes:
        emulator: the emulator (ids, clock, faults, validation helpers, the other APIs' backends).
        account: the Account SID this backend acts for; it never sees another account's objects.
    """

    def __init__(self, emulator: Emulator, account: str) -> None:
        self.emulator = emulator
        self.account = account

    def table(self, kind: str, record: type[R]) -> Table[R]:
        """This account's records of ``kind`` (``record``: a :class:`~.state.Record` subclass, or ``dict``)."""
        return Table(self.emulator.store, self.account, kind, record)

    def custom_resources(self) -> dict[str, int]:
        """How many user-created objects exist, per kind (only kinds with any); for the admin API."""
        return {}


class BackendDict(Generic[B]):
    """``backends[account_sid]``: the backend of one API for that account, made on first use.

    Thread-safe. Backends hold no state (see :class:`AccountBackend`), so making one is cheap and
    forgetting them loses nothing.
    """

    def __init__(self, emulator: Emulator, backend: Callable[[Emulator, str], B]) -> None:
        self._emulator = emulator
        self._backend = backend
        self._by_account: dict[str, B] = {}
        self._lock = threading.Lock()

    def __getitem__(self, account: str) -> B:
        with self._lock:
            found = self._by_account.get(account)
            if found is None:
                found = self._by_account[account] = self._backend(self._emulator, account)
            return found

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            return iter(list(self._by_account))

    def __repr__(self) -> str:
        return f"BackendDict({getattr(self._backend, '__name__', self._backend)!r})"
