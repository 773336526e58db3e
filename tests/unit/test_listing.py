"""The per-process listing crash safety looks at: lookups by display name, and snapshots of the ids
that later listings and writes leave unchanged (what a lost create is compared with)."""

from __future__ import annotations

from typing import Any

from pulumi_twilio_intelligence.resources._listing import Listing


class FakeCollection:
    """What :class:`Listing` needs of a collection: ``list``, answering the current objects."""

    def __init__(self, *objects: dict[str, Any]) -> None:
        self.objects = list(objects)
        self.lists = 0

    def list(self, page_size: int) -> list[dict[str, Any]]:
        self.lists += 1
        return list(self.objects)


def op(id_: str, name: str) -> dict[str, Any]:
    return {"id": id_, "displayName": name}


def test_the_collection_is_listed_once_and_looked_up_by_display_name() -> None:
    collection = FakeCollection(op("a", "Adherence"), op("b", "Sentiment"), op("c", "Adherence"))
    listing = Listing("displayName")
    named, _ = listing.snapshot(collection, "Adherence")  # type: ignore[arg-type]
    assert sorted(o["id"] for o in named) == ["a", "c"]
    assert listing.snapshot(collection, "Missing")[0] == []  # type: ignore[arg-type]
    assert listing.snapshot(collection)[0] == []  # type: ignore[arg-type]
    assert collection.lists == 1


def test_writes_keep_the_name_index_current() -> None:
    collection = FakeCollection(op("a", "Adherence"))
    listing = Listing("displayName")
    listing.snapshot(collection)  # type: ignore[arg-type]
    listing.record(op("a", "Renamed"))
    listing.record(op("d", "Adherence"), own=True)
    assert [o["id"] for o in listing.snapshot(collection, "Adherence")[0]] == ["d"]  # type: ignore[arg-type]
    assert [o["id"] for o in listing.snapshot(collection, "Renamed")[0]] == ["a"]  # type: ignore[arg-type]
    listing.forget("d")
    assert listing.snapshot(collection, "Adherence")[0] == []  # type: ignore[arg-type]
    assert listing.own == {"d"}


def test_a_snapshot_keeps_the_ids_of_its_moment() -> None:
    collection = FakeCollection(op("a", "Adherence"), op("b", "Sentiment"))
    listing = Listing("displayName")
    _, before = listing.snapshot(collection)  # type: ignore[arg-type]
    listing.record(op("c", "Mine"), own=True)
    collection.objects.append(op("e", "Lost create"))
    relisted = {o["id"] for o in listing.relist(collection)}  # type: ignore[arg-type]
    assert relisted == {"a", "b", "e"}  # the relist is what Twilio has now
    assert "a" in before and "b" in before
    assert "c" not in before and "e" not in before  # appeared after the snapshot
    assert sorted(before) == ["a", "b"] and len(before) == 2
    _, after = listing.snapshot(collection)  # type: ignore[arg-type]
    assert {"a", "b", "c", "e"} <= set(after)
