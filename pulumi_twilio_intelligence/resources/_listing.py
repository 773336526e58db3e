"""One cached listing of a collection per provider process: what crash safety looks at before a create.

A create first looks for objects of its type with the same display name (:mod:`._recovery`). Listing
the collection for every create would cost one request per resource, so the provider lists each
collection **once per provider process** (one deployment: the engine starts a provider process per
``pulumi up``, ``preview`` or ``destroy``) and keeps the listing current with its own writes: the
objects it creates, updates and deletes are recorded in it as they happen. Objects written outside
this process during the deployment are not seen until a later deployment, or until the provider
lists again after a write whose answer was lost.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from typing import Any

from ..client import MAX_PAGE_SIZE, Collection


class Listing:
    """The objects of one collection (wire shape, by id), listed at most once unless told to re-list.

    Thread-safe: the dynamic provider server runs many calls at once; the first to need the listing
    makes it (``GET {collection}`` in pages of 1000) while the others wait for it.

    Attributes:
        own: ids of the objects this process created (never adopted as a lost create).
        replacing: resource identity -> the id of the object it manages, noted by ``diff``: if the
            engine replaces that resource, the new object may share the old one's display name.
    """

    def __init__(self, name_key: str | None = None) -> None:
        """``name_key``: the wire name of the display name field its objects are looked up by
        (``displayName``), or ``None`` for a type without one."""
        self._lock = threading.Lock()
        self._name_key = name_key
        self._items: dict[str, dict[str, Any]] | None = None
        self._by_name: dict[Any, set[str]] = {}  # display name -> ids: a create looks up its name only
        self._seen: dict[str, int] = {}  # id -> when this process first saw it (a count of objects seen)
        self._names: dict[str, str] = {}  # display name -> resource identity creating it right now
        self.own: set[str] = set()
        self.replacing: dict[str, str] = {}

    def snapshot(self, collection: Collection, name: Any = None) -> tuple[list[dict[str, Any]], AbstractSet[str]]:
        """The objects named ``name`` (none for ``None``) and the ids of every object this process
        has seen in the collection by this moment (a set that later listings and writes leave
        unchanged: an object that appears afterwards is not in it): listed on the first call, from
        memory afterwards (dictionary lookups, whatever the collection's size).

        Raises:
            TwilioError: listing failed (after the REST layer's retries).
        """
        with self._lock:
            if self._items is None:
                self._load(collection.list(page_size=MAX_PAGE_SIZE))
            assert self._items is not None
            named = [self._items[i] for i in self._by_name.get(name, ())] if name is not None else []
            return named, _SeenBy(self._seen, len(self._seen))

    def relist(self, collection: Collection) -> list[dict[str, Any]]:
        """List the collection again (after a write whose outcome is unknown) and keep the new listing."""
        fresh = collection.list(page_size=MAX_PAGE_SIZE)
        with self._lock:
            self._load(fresh)
            assert self._items is not None
            return list(self._items.values())

    def record(self, item: dict[str, Any], *, own: bool = False) -> None:
        """Note an object this process created (``own``), adopted or updated (its latest wire shape)."""
        id_ = item.get("id")
        if not isinstance(id_, str):
            return
        with self._lock:
            if self._items is not None:
                self._drop(id_)
                self._add(id_, item)
            if own:
                self.own.add(id_)

    def forget(self, id_: str) -> None:
        """Note that this process deleted the object ``id_``."""
        with self._lock:
            if self._items is not None:
                self._drop(id_)

    def _load(self, items: Iterable[dict[str, Any]]) -> None:
        self._items, self._by_name = {}, {}
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                self._add(item["id"], item)

    def _add(self, id_: str, item: dict[str, Any]) -> None:
        assert self._items is not None
        self._items[id_] = item
        self._seen.setdefault(id_, len(self._seen) + 1)
        name = item.get(self._name_key) if self._name_key else None
        if isinstance(name, str):
            self._by_name.setdefault(name, set()).add(id_)

    def _drop(self, id_: str) -> None:
        assert self._items is not None
        old = self._items.pop(id_, None)
        name = old.get(self._name_key) if old is not None and self._name_key else None
        if isinstance(name, str):
            ids = self._by_name.get(name, set())
            ids.discard(id_)
            if not ids:
                self._by_name.pop(name, None)

    def reserve(self, name: str, identity: str) -> str | None:
        """Claim display ``name`` for the create of resource ``identity``; the identity of another
        resource of this deployment creating an object of that name right now, if any."""
        with self._lock:
            holder = self._names.setdefault(name, identity)
            return None if holder == identity else holder

    def release(self, name: str, identity: str) -> None:
        """Give back a name claimed with :meth:`reserve`."""
        with self._lock:
            if self._names.get(name) == identity:
                del self._names[name]


class _SeenBy(AbstractSet[str]):
    """The ids a :class:`Listing` had seen when it had seen ``count`` objects (its snapshot's ids)."""

    def __init__(self, seen: dict[str, int], count: int) -> None:
        self._seen, self._count = seen, count

    def __contains__(self, id_: object) -> bool:
        return isinstance(id_, str) and self._seen.get(id_, self._count + 1) <= self._count

    def __iter__(self) -> Iterator[str]:
        return (id_ for id_, when in list(self._seen.items()) if when <= self._count)

    def __len__(self) -> int:
        return min(self._count, len(self._seen))
