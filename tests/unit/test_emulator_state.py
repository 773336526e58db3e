"""The emulator's state file: typed records round-trip, and a file in another layout is refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pulumi_twilio_intelligence.emulator import Emulator
from pulumi_twilio_intelligence.emulator.state import FORMAT, Record, Store, Table


class _Thing(Record):
    name: str
    size: int | None = None


def test_typed_tables_round_trip_and_keep_list_order(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "state.sqlite"))
    try:
        things = Table(store, "AC" + "1" * 32, "thing", _Thing)
        other = Table(store, "AC" + "2" * 32, "thing", _Thing)
        things.put("b", _Thing(name="b", size=2))
        things.put("a", _Thing(name="a"))
        things.put("b", _Thing(name="b", size=3))  # replaced in place
        assert [t.model_dump() for t in things.all()] == [{"name": "b", "size": 3}, {"name": "a", "size": None}]
        assert things.get("a") == _Thing(name="a") and things.get("c") is None
        assert other.all() == []  # accounts never see each other's records
    finally:
        store.close()


def test_a_state_file_of_another_layout_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    Store(str(path)).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO documents VALUES ('AC', 'operation', 'x', 1, '{\"_change\": {}}')")
        db.execute("PRAGMA user_version = 1")
    with pytest.raises(ValueError, match=rf"{path}.*format 1, this one reads {FORMAT}.*delete it"):
        Emulator(state_path=str(path))


def test_an_empty_or_current_file_opens(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    for _ in range(2):
        Emulator(state_path=str(path)).store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == FORMAT
