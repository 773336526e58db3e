"""Durable state: JSON documents in SQLite (a file, or memory when no path is given).

Every request's changes are one SQLite transaction, so a crash (even ``kill -9``) leaves the file
either before or after a request, never in between; the file uses WAL journaling.

Documents are addressed by ``(account, kind, id)`` and listed in insertion order (``seq``). Backends
reach them through a :class:`Table`: the records of one kind in one account, typed (a
:class:`Record` subclass, or ``dict`` for the JSON bodies an API serves as they are).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar, cast

from pydantic import BaseModel, ConfigDict

#: The layout of the records in a state file (``PRAGMA user_version``); a file written with another
#: layout is refused rather than half read. 2: typed records (operator versions, Operations, ...).
FORMAT = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    account TEXT NOT NULL,
    kind    TEXT NOT NULL,
    id      TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    body    TEXT NOT NULL,
    PRIMARY KEY (account, kind, id)
);
CREATE INDEX IF NOT EXISTS documents_by_seq ON documents (account, kind, seq);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


class Store:
    """A thread-safe document store. Use :meth:`transaction` around every request's work.

    Args:
        path: the SQLite file; ``None`` keeps the state in memory (lost when the process ends).

    Raises:
        ValueError: the file holds state in another layout (:data:`FORMAT`) than this emulator's.
    """

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        self._db = sqlite3.connect(path or ":memory:", check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        self._depth = 0
        if path:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        found = self._db.execute("PRAGMA user_version").fetchone()[0]
        if found != FORMAT and self._db.execute("SELECT 1 FROM documents LIMIT 1").fetchone():
            self._db.close()
            raise ValueError(
                f"the state file {path} was written by another version of the emulator (format {found}, "
                f"this one reads {FORMAT}); delete it (make demo: rm -rf .demo) to start over"
            )
        self._db.execute(f"PRAGMA user_version = {FORMAT}")

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Hold the store for one unit of work, committed at the end or rolled back on error."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outer:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self._db.execute("COMMIT")

    def get(self, account: str, kind: str, id_: str) -> dict[str, Any] | None:
        """The document, or ``None``."""
        with self._lock:
            row = self._db.execute(
                "SELECT body FROM documents WHERE account=? AND kind=? AND id=?", (account, kind, id_)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, account: str, kind: str, id_: str, body: dict[str, Any]) -> None:
        """Insert or replace a document; a replaced document keeps its place in list order."""
        text = json.dumps(body, separators=(",", ":"))
        with self.transaction():
            updated = self._db.execute(
                "UPDATE documents SET body=? WHERE account=? AND kind=? AND id=?", (text, account, kind, id_)
            ).rowcount
            if not updated:
                self._db.execute(
                    "INSERT INTO documents (account, kind, id, seq, body) VALUES (?, ?, ?, ?, ?)",
                    (account, kind, id_, self._next("seq"), text),
                )

    def delete(self, account: str, kind: str, id_: str) -> bool:
        """Remove a document; ``True`` if it existed."""
        with self.transaction():
            return bool(
                self._db.execute(
                    "DELETE FROM documents WHERE account=? AND kind=? AND id=?", (account, kind, id_)
                ).rowcount
            )

    def page(self, account: str, kind: str, *, after: int = 0, limit: int = 50) -> list[tuple[int, dict[str, Any]]]:
        """Up to ``limit`` ``(seq, document)`` pairs with ``seq > after``, in insertion order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, body FROM documents WHERE account=? AND kind=? AND seq>? ORDER BY seq LIMIT ?",
                (account, kind, after, limit),
            ).fetchall()
        return [(seq, json.loads(body)) for seq, body in rows]

    def all(self, account: str, kind: str) -> list[dict[str, Any]]:
        """Every document of a kind in an account, in insertion order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT body FROM documents WHERE account=? AND kind=? ORDER BY seq", (account, kind)
            ).fetchall()
        return [json.loads(body) for (body,) in rows]

    def accounts(self) -> list[str]:
        """Every account that holds a document."""
        with self._lock:
            return [a for (a,) in self._db.execute("SELECT DISTINCT account FROM documents ORDER BY account")]

    def reset(self) -> None:
        """Forget everything."""
        with self.transaction():
            self._db.execute("DELETE FROM documents")
            self._db.execute("DELETE FROM counters")

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def _next(self, name: str) -> int:
        self._db.execute(
            "INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1",
            (name,),
        )
        return int(self._db.execute("SELECT value FROM counters WHERE name=?", (name,)).fetchone()[0])


class Record(BaseModel):
    """Base of the emulator's typed records (bookkeeping kept beside the API's own bodies).

    Stored as JSON; unknown keys are refused, so a record written by another version of the
    emulator fails loudly instead of being half read.
    """

    model_config = ConfigDict(extra="forbid")


R = TypeVar("R", bound="Record | dict[str, Any]")


class Table(Generic[R]):
    """The records of one ``kind`` in one account, as ``record`` values (a :class:`Record` subclass,
    or ``dict`` for JSON bodies kept as they are), in insertion order.

    Every method works inside the caller's :meth:`Store.transaction`, if any.
    """

    def __init__(self, store: Store, account: str, kind: str, record: type[R]) -> None:
        self.store = store
        self.account = account
        self.kind = kind
        self.record = record

    def _load(self, doc: dict[str, Any]) -> R:
        if isinstance(self.record, type) and issubclass(self.record, BaseModel):
            return cast(R, self.record.model_validate(doc))
        return cast(R, doc)

    @staticmethod
    def _dump(value: R) -> dict[str, Any]:
        return value.model_dump(mode="json") if isinstance(value, BaseModel) else value

    def get(self, id_: str) -> R | None:
        """The record, or ``None``."""
        doc = self.store.get(self.account, self.kind, id_)
        return None if doc is None else self._load(doc)

    def put(self, id_: str, value: R) -> None:
        """Insert or replace a record (a replaced record keeps its place in list order)."""
        self.store.put(self.account, self.kind, id_, self._dump(value))

    def delete(self, id_: str) -> bool:
        """Remove a record; ``True`` if it existed."""
        return self.store.delete(self.account, self.kind, id_)

    def all(self) -> list[R]:
        """Every record, in insertion order."""
        return [self._load(doc) for doc in self.store.all(self.account, self.kind)]

    def page(self, *, after: int = 0, limit: int = 50) -> list[tuple[int, R]]:
        """Up to ``limit`` ``(seq, record)`` pairs with ``seq > after``, in insertion order."""
        return [
            (seq, self._load(doc)) for seq, doc in self.store.page(self.account, self.kind, after=after, limit=limit)
        ]
