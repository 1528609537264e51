"""Undo a wrong merge: split records off a golden id, and keep them apart for good.

A steward who finds two people in one golden customer names the records that
belong elsewhere. Each of them gets a cannot-link decision against every
other member (`identity.decisions`), so no later run, rule or model joins them
again, and the request is an event (`identity.identity_events`, "split").
The clusters change on the next identity run, which applies the decisions.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from identity.persist import EVENT_TYPES
from identity.stewardship import DECISION_COLUMNS

DECISIONS_DDL = ", ".join(f'"{c}" VARCHAR' for c in DECISION_COLUMNS)


def split_golden_id(con: duckdb.DuckDBPyConnection, golden_id: str,
                    records: list[tuple[str, str]], at: pd.Timestamp | None = None,
                    schema: str = "identity") -> pd.DataFrame:
    """Record cannot-links between `records` (source, source_id) and the rest of `golden_id`.

    Returns the decisions written. Raises ValueError when a record is not a
    member, or when nothing would be left on either side.
    """
    at = at or pd.Timestamp.now(tz="UTC").tz_localize(None).floor("s")
    members = con.execute(
        f"select source, source_id from {schema}.crosswalk where golden_id = ?",
        [golden_id]).fetchall()
    if not members:
        raise ValueError(f"no golden id {golden_id!r} in {schema}.crosswalk")
    member_set = set(members)
    off = list(dict.fromkeys(records))
    unknown = [r for r in off if r not in member_set]
    if unknown:
        raise ValueError(f"not members of {golden_id}: {unknown}")
    rest = [m for m in members if m not in set(off)]
    if not off or not rest:
        raise ValueError("a split needs records on both sides")
    decisions = pd.DataFrame(
        [(a[0], a[1], b[0], b[1], "cannot_link") for a in off for b in rest],
        columns=DECISION_COLUMNS)
    con.register("_split_decisions", decisions)
    try:
        con.begin()
        con.execute(f"create schema if not exists {schema}")
        con.execute(f"create table if not exists {schema}.decisions ({DECISIONS_DDL})")
        con.execute(f"insert into {schema}.decisions select * from _split_decisions")
        events = ", ".join(f'"{c}" {t}' for c, t in EVENT_TYPES.items())
        con.execute(f"create table if not exists {schema}.identity_events ({events})")
        con.execute(f"insert into {schema}.identity_events values (?, 'split', ?, NULL, ?)",
                    [at.to_pydatetime(), golden_id, len(off)])
        con.commit()
    except Exception:
        con.rollback()
        raise
    finally:
        con.unregister("_split_decisions")
    return decisions
