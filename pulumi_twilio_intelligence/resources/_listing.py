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
from collections.abc import Iterable
from typing import Any

from ..client import MAX_PAGE_SIZE, Collection


class Listing:
    """The objects of one collection (wire shape, by id), listed at most once unless told to re-list.

    Thread-safe: the dynamic provider server runs up to 4 calls at once; the first to need the listing
    makes it (``GET {collection}`` in pages of 1000) while the others wait for it.

    Attributes:
        own: ids of the objects this process created (never adopted as a lost create).
        replacing: resource identity -> the id of the object it manages, noted by ``diff``: if the
            engine replaces that resource, the new object may share the old one's display name.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, dict[str, Any]] | None = None
        self._names: dict[str, str] = {}  # display name -> resource identity creating it right now
        self.own: set[str] = set()
        self.replacing: dict[str, str] = {}

    def items(self, collection: Collection) -> list[dict[str, Any]]:
        """Every object of the collection: listed on the first call, from memory afterwards.

        Raises:
            TwilioError: listing failed (after the REST layer's retries).
        """
        with self._lock:
            if self._items is None:
                self._items = _by_id(collection.list(page_size=MAX_PAGE_SIZE))
            return list(self._items.values())

    def relist(self, collection: Collection) -> list[dict[str, Any]]:
        """List the collection again (after a write whose outcome is unknown) and keep the new listing."""
        fresh = _by_id(collection.list(page_size=MAX_PAGE_SIZE))
        with self._lock:
            self._items = fresh
            return list(fresh.values())

    def record(self, item: dict[str, Any], *, own: bool = False) -> None:
        """Note an object this process created (``own``), adopted or updated (its latest wire shape)."""
        id_ = item.get("id")
        if not isinstance(id_, str):
            return
        with self._lock:
            if self._items is not None:
                self._items[id_] = item
            if own:
                self.own.add(id_)

    def forget(self, id_: str) -> None:
        """Note that this process deleted the object ``id_``."""
        with self._lock:
            if self._items is not None:
                self._items.pop(id_, None)

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


def _by_id(items: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)}
