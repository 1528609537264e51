"""The suppression list: salted hashes of erased people's identifiers, kept so they stay erased.

Every connector reads the active hashes before it loads (`connectors/suppression.py`)
and drops the rows that carry one, so a source that still serves an erased person
cannot bring them back. Entries are never deleted: lifting one (`cdpkit privacy
unsuppress`, an explicit decision with a reason) stamps it, which keeps the history
an auditor asks for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from quality.privacy.identifiers import identifier_hash

TABLE = "governance.suppression_list"
DDL = f"""
create schema if not exists governance;
create table if not exists {TABLE} (
    identifier_hash varchar not null,
    identifier_kind varchar not null,
    request_id varchar not null,
    added_at timestamp not null,
    lifted_at timestamp,
    lifted_by varchar,
    lifted_reason varchar
)
"""


def now_utc() -> datetime:
    """Naive UTC, as the warehouse's `timestamp` columns hold it."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Suppressions:
    """The active hashes by identifier kind, and the salt that made them."""

    salt: bytes
    hashes: frozenset[str]

    def __len__(self) -> int:
        return len(self.hashes)

    def matches(self, kind: str, value: object) -> bool:
        digest = identifier_hash(self.salt, kind, value)
        return digest is not None and digest in self.hashes


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


def active_hashes(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Every hash not lifted; empty when the warehouse has no list yet."""
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'governance' and table_name = 'suppression_list'"
    ).fetchone()[0]
    if not exists:
        return frozenset()
    rows = con.execute(f"select distinct identifier_hash from {TABLE} where lifted_at is null")
    return frozenset(row[0] for row in rows.fetchall())


def add(con: duckdb.DuckDBPyConnection, salt: bytes, request_id: str,
        identifiers: Iterable[tuple[str, object]]) -> int:
    """Suppress each (kind, value) for `request_id`; returns the number of new active hashes."""
    ensure_table(con)
    present = active_hashes(con)
    rows = []
    for kind, value in identifiers:
        digest = identifier_hash(salt, kind, value)
        if digest is not None and digest not in present:
            present = present | {digest}
            rows.append((digest, kind, request_id, now_utc()))
    if rows:
        con.executemany(
            f"insert into {TABLE} (identifier_hash, identifier_kind, request_id, added_at) "
            "values (?, ?, ?, ?)", rows)
    return len(rows)


def lift(con: duckdb.DuckDBPyConnection, salt: bytes, kind: str, value: object, by: str,
         reason: str) -> int:
    """Stop suppressing one identifier (the entry stays, stamped); returns entries lifted."""
    if not reason.strip():
        raise ValueError("unsuppressing needs a reason: it is kept with the entry")
    digest = identifier_hash(salt, kind, value)
    if digest is None:
        raise ValueError(f"{value!r} is not a {kind} cdpkit can recognise")
    ensure_table(con)
    lifted = con.execute(
        f"update {TABLE} set lifted_at = ?, lifted_by = ?, lifted_reason = ? "
        "where identifier_hash = ? and lifted_at is null returning 1",
        [now_utc(), by, reason, digest]).fetchall()
    return len(lifted)
