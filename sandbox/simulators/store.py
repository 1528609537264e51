"""A SQLite-backed record store shared by the simulators.

Why SQLite and not dicts: a 1,000,000-person world holds millions of records;
keeping them as parsed Python objects would need tens of gigabytes. SQLite keeps
the raw JSON text on disk, with a few extracted, indexed columns per collection
so keyset pagination, cursor filters and counts are index lookups. JSON1's
``json_extract`` answers filters on columns that are not extracted (Odoo
domains on arbitrary fields).

One connection guarded by a lock: the HTTP servers are threaded, and SQLite's
Python binding does not allow concurrent use of one connection.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BATCH = 5000
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Collection:
    """How one world file becomes one table.

    ``key`` gives the primary key (as text); ``columns`` are extracted values
    that get their own SQL column (for ordering and filtering); ``indexes``
    list column tuples to index, e.g. ``("updated_at", "num")`` for keyset
    pagination on (updatedAt, id).
    """

    name: str
    file: str
    key: Callable[[dict], str]
    columns: dict[str, Callable[[dict], Any]] = field(default_factory=dict)
    indexes: tuple[tuple[str, ...], ...] = ()


#: distinct read queries remembered at once (one per offset-paged read in flight)
REMEMBERED_QUERIES = 16


class RecordStore:
    """Tables of JSON documents with extracted, indexed columns."""

    def __init__(self, db_path: Path, prefix: str) -> None:
        self._lock = threading.RLock()
        self._prefix = prefix
        self._specs: dict[str, Collection] = {}
        self._db = sqlite3.connect(str(db_path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS _sim_loaded (tbl TEXT PRIMARY KEY, n INTEGER)"
        )
        self._db.create_function("odoo_like", 3, _odoo_like, deterministic=True)
        #: bumped by every write; remembered query answers are kept for one version
        self._version = 0
        self._remembered: dict[tuple[str, tuple], list[tuple]] = {}
        self._remembered_version = 0

    def table(self, name: str) -> str:
        """The SQL table name of a collection."""
        if name not in self._specs:
            raise KeyError(name)
        return f'"{self._prefix}__{name.replace(".", "_")}"'

    def index(self, name: str, columns: tuple[str, ...]) -> str:
        """The SQL name of a collection's index on `columns`, for `INDEXED BY`.

        SQLite has no statistics here (no ANALYZE), so where two indexes could
        serve a query it may pick the one that scans a whole campaign; naming
        the index keeps each query on the one that answers it from a range.
        """
        position = self._specs[name].indexes.index(columns)
        return self._index_name(self.table(name), position)

    @staticmethod
    def _index_name(table: str, position: int) -> str:
        return f"{table[:-1]}__i{position}\""

    @property
    def collections(self) -> list[str]:
        """Names of the registered collections."""
        return list(self._specs)

    def register(self, spec: Collection, world_dir: Path | None) -> int:
        """Create the table and load the world file once (skipped if already loaded)."""
        for col in spec.columns:
            if not _NAME.match(col):
                raise ValueError(f"bad column name {col!r}")
        self._specs[spec.name] = spec
        tbl = self.table(spec.name)
        cols = "".join(f", {c}" for c in spec.columns)
        with self._lock:
            self._db.execute(
                f"CREATE TABLE IF NOT EXISTS {tbl} "
                f"(rid INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL{cols}, doc TEXT NOT NULL)"
            )
            done = self._db.execute("SELECT n FROM _sim_loaded WHERE tbl = ?", (tbl,)).fetchone()
            n = 0 if done is None else int(done[0])
            path = world_dir / spec.file if world_dir is not None else None
            if done is None and path is not None and path.exists():
                n = self._load(spec, path)
            # also on a state file loaded before an index was declared (queries name them)
            for i, idx in enumerate(spec.indexes):
                name = self._index_name(tbl, i)
                self._db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {tbl} ({', '.join(idx)})")
            if done is None:
                self._db.execute("INSERT OR REPLACE INTO _sim_loaded VALUES (?, ?)", (tbl, n))
            return n

    def _load(self, spec: Collection, path: Path) -> int:
        sql = self._insert_sql(spec, upsert=False)
        n = 0
        batch: list[tuple] = []
        self._db.execute("BEGIN")
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if not line:
                    continue
                batch.append(self._row(spec, json.loads(line), line))
                if len(batch) >= BATCH:
                    self._db.executemany(sql, batch)
                    n += len(batch)
                    batch.clear()
        if batch:
            self._db.executemany(sql, batch)
            n += len(batch)
        self._db.execute("COMMIT")
        self._version += 1
        return n

    def _insert_sql(self, spec: Collection, upsert: bool) -> str:
        names = ["key", *spec.columns, "doc"]
        sql = (
            f"INSERT INTO {self.table(spec.name)} ({', '.join(names)}) "
            f"VALUES ({', '.join('?' for _ in names)})"
        )
        if upsert:
            sets = ", ".join(f"{c} = excluded.{c}" for c in names[1:])
            sql += f" ON CONFLICT(key) DO UPDATE SET {sets}"
        return sql

    @staticmethod
    def _row(spec: Collection, doc: dict, text: str | None = None) -> tuple:
        values = [fn(doc) for fn in spec.columns.values()]
        return (str(spec.key(doc)), *values, text if text is not None else json.dumps(doc))

    def put(self, name: str, doc: dict) -> None:
        """Insert or replace one record (an update keeps its position in file order)."""
        spec = self._specs[name]
        with self._lock:
            self._db.execute(self._insert_sql(spec, upsert=True), self._row(spec, doc))
            self._version += 1

    def delete(self, name: str, key: str) -> bool:
        """Remove a record for good; True if it existed."""
        with self._lock:
            cur = self._db.execute(f"DELETE FROM {self.table(name)} WHERE key = ?", (str(key),))
            self._version += 1
            return cur.rowcount > 0

    def delete_where(self, name: str, where: str, params: Sequence[Any] = ()) -> int:
        """Remove every record matching a SQL condition for good; how many there were."""
        with self._lock:
            cur = self._db.execute(f"DELETE FROM {self.table(name)} WHERE {where}", tuple(params))
            self._version += 1
            return cur.rowcount

    def get(self, name: str, key: str) -> dict | None:
        """One record by primary key."""
        with self._lock:
            row = self._db.execute(
                f"SELECT doc FROM {self.table(name)} WHERE key = ?", (str(key),)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def select(
        self,
        name: str,
        where: str = "",
        params: Sequence[Any] = (),
        order: str = "rid",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[dict]:
        """Records matching a SQL condition (written by the simulators, never by clients)."""
        sql = f"SELECT doc FROM {self.table(name)}"
        if where:
            sql += f" WHERE {where}"
        sql += f" ORDER BY {order} LIMIT ? OFFSET ?"
        with self._lock:
            rows = self._db.execute(sql, (*params, -1 if limit is None else limit, offset))
            return [json.loads(r[0]) for r in rows.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """One value from a query, e.g. a count or an aggregate."""
        with self._lock:
            row = self._db.execute(sql, tuple(params)).fetchone()
        return row[0] if row else None

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Raw rows from a query over the collection tables."""
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    def rows_until_written(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """A read query's rows, remembered until the next write to the store.

        Offset-paged APIs (Mailchimp) run the same ordered query for every page;
        a real service answers from indexes and caches, while SQLite would scan
        and sort the whole match again for each page, making a first sync of a
        large audience quadratic in the simulator. Any write forgets every
        remembered answer, so a page is exactly what a fresh query would give.
        """
        key = (sql, tuple(params))
        with self._lock:
            if self._remembered_version != self._version:
                self._remembered = {}
                self._remembered_version = self._version
            rows = self._remembered.get(key)
            if rows is None:
                if len(self._remembered) >= REMEMBERED_QUERIES:
                    self._remembered.pop(next(iter(self._remembered)))
                rows = self._remembered[key] = self._db.execute(sql, key[1]).fetchall()
            return rows

    def page(self, name: str, where: str, params: Sequence[Any], order: str, limit: int,
             offset: int) -> tuple[list[dict], int]:
        """One offset page of the records matching `where` in `order`, and how many match."""
        rids = self.rows_until_written(
            f"SELECT rid FROM {self.table(name)} WHERE {where} ORDER BY {order}", params)
        chosen = [r[0] for r in rids[offset:offset + limit]]
        if not chosen:
            return [], len(rids)
        marks = ", ".join("?" for _ in chosen)
        with self._lock:
            found = dict(self._db.execute(
                f"SELECT rid, doc FROM {self.table(name)} WHERE rid IN ({marks})", chosen))
        return [json.loads(found[rid]) for rid in chosen], len(rids)

    def count(self, name: str, where: str = "", params: Sequence[Any] = ()) -> int:
        """How many records match."""
        sql = f"SELECT COUNT(*) FROM {self.table(name)}" + (f" WHERE {where}" if where else "")
        return int(self.scalar(sql, params))

    def iter_all(self, name: str, batch: int = BATCH) -> Iterator[dict]:
        """Every record in file order, read in batches (keeps memory flat)."""
        last = 0
        while True:
            with self._lock:
                rows = self._db.execute(
                    f"SELECT rid, doc FROM {self.table(name)} WHERE rid > ? ORDER BY rid LIMIT ?",
                    (last, batch),
                ).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            for _, doc in rows:
                yield json.loads(doc)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._db.close()


def _odoo_like(value: Any, pattern: str, case_sensitive: int) -> int:
    """SQL LIKE with Odoo's semantics: ``%``/``_`` wildcards, optional case folding."""
    if value is None or value == 0 or pattern is None:
        return 0
    rx = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    flags = re.DOTALL if case_sensitive else re.DOTALL | re.IGNORECASE
    return 1 if re.fullmatch(rx, str(value), flags) else 0
