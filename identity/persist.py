"""Reading unified records from, and writing identity tables to, DuckDB.

The identity tables are replaced together in one transaction, so a reader
never sees a crosswalk from one run next to golden profiles from another.
Column types are declared, not inferred from the frames, so an all-NULL column
in a small run still lands as VARCHAR / TIMESTAMP.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from identity.golden import GOLDEN_COLUMNS
from identity.persistent_ids import IdState
from identity.standardise.records import OPTIONAL_COLUMNS, RECORD_COLUMNS
from identity.state import write_state
from identity.stewardship import check_decisions

if TYPE_CHECKING:
    from identity.resolve import IdentityResult

log = logging.getLogger(__name__)

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*){0,2}$")

_TIMESTAMPS = {"resolved_at", "first_seen_at", "last_seen_at"}
TABLE_TYPES: dict[str, dict[str, str]] = {
    "crosswalk": {
        "source": "VARCHAR", "source_id": "VARCHAR", "golden_id": "VARCHAR",
        "matched_by": "VARCHAR", "resolved_at": "TIMESTAMP",
    },
    "golden_profiles": {
        c: "TIMESTAMP" if c in _TIMESTAMPS else "INTEGER" if c == "member_count" else "VARCHAR"
        for c in GOLDEN_COLUMNS
    },
    "match_edges": {
        **{c: "VARCHAR" for c in ("left_source", "left_source_id", "right_source",
                                  "right_source_id", "rule", "key")},
        "match_probability": "DOUBLE", "match_weight": "DOUBLE", "evidence": "VARCHAR",
    },
    "review_queue": {
        **{c: "VARCHAR" for c in ("left_source", "left_source_id", "right_source",
                                  "right_source_id")},
        "match_probability": "DOUBLE", "match_weight": "DOUBLE", "evidence": "VARCHAR",
        "reason": "VARCHAR",
    },
    "match_model": {
        "comparison": "VARCHAR", "level": "INTEGER", "label": "VARCHAR", "m": "DOUBLE",
        "u": "DOUBLE", "match_weight": "DOUBLE",
    },
    "golden_id_registry": {
        "golden_id": "VARCHAR", "created_at": "TIMESTAMP", "alias_of": "VARCHAR",
        "retired_at": "TIMESTAMP",
    },
    "crosswalk_history": {
        "source": "VARCHAR", "source_id": "VARCHAR", "golden_id": "VARCHAR",
        "valid_from": "TIMESTAMP", "valid_to": "TIMESTAMP",
    },
}  # fmt: skip
#: appended to, run after run, instead of replaced
EVENT_TYPES = {"resolved_at": "TIMESTAMP", "event": "VARCHAR", "golden_id": "VARCHAR",
               "other_id": "VARCHAR", "records": "INTEGER"}


def load_records(
    con: duckdb.DuckDBPyConnection, relation: str = "staging.int_customer_records_unioned"
) -> pd.DataFrame:
    """The unified source records (data-contract section 4) as a DataFrame: the
    contract's columns, and the optional ones the relation has."""
    if not _IDENT.match(relation):
        raise ValueError(f"not a table name: {relation!r}")
    schema, _, table = relation.rpartition(".")
    present = {row[0] for row in con.execute(
        "select column_name from information_schema.columns "
        "where table_name = ? and (? = '' or table_schema = ?)",
        [table, schema, schema]).fetchall()}
    optional = [c for c in OPTIONAL_COLUMNS if c in present]
    columns = ", ".join((*RECORD_COLUMNS, *optional))
    return con.sql(f"select {columns} from {relation}").df()


def load_decisions(
    con: duckdb.DuckDBPyConnection, relation: str = "identity.decisions"
) -> pd.DataFrame | None:
    """A steward's decisions kept in the warehouse, or None when there is no such table."""
    if not _IDENT.match(relation):
        raise ValueError(f"not a table name: {relation!r}")
    schema, _, table = relation.rpartition(".")
    if table not in _tables_in(con, schema):
        return None
    return check_decisions(con.sql(f"select * from {relation}").df())


def _tables_in(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    """Names of the tables in `schema` (any schema when it is empty)."""
    return {row[0] for row in con.execute(
        "select table_name from information_schema.tables where ? = '' or table_schema = ?",
        [schema, schema]).fetchall()}


def load_id_state(con: duckdb.DuckDBPyConnection, schema: str = "identity") -> IdState | None:
    """The golden-id registry and crosswalk history the last run wrote, or None (a first run)."""
    if not _IDENT.match(schema) or "." in schema:
        raise ValueError(f"not a schema name: {schema!r}")
    if not {"golden_id_registry", "crosswalk_history"} <= _tables_in(con, schema):
        return None
    return IdState(con.sql(f'select * from "{schema}".golden_id_registry').df(),
                   con.sql(f'select * from "{schema}".crosswalk_history').df())


def write_result(
    con: duckdb.DuckDBPyConnection, result: IdentityResult, schema: str = "identity"
) -> None:
    """Create or replace the identity tables of ``<schema>`` (``TABLE_TYPES``) together,
    and the state an incremental run starts from when the result kept it."""
    if not _IDENT.match(schema) or "." in schema:
        raise ValueError(f"not a schema name: {schema!r}")
    frames = {
        "crosswalk": result.crosswalk,
        "golden_profiles": result.golden_profiles,
        "match_edges": result.match_edges,
        "review_queue": result.review_queue,
        "match_model": result.match_model,
        "golden_id_registry": result.id_state.registry,
        "crosswalk_history": result.id_state.history,
        "identity_events": result.events,
    }
    views = {table: f"_identity_{table}_{uuid.uuid4().hex[:8]}" for table in frames}
    for table, frame in frames.items():
        con.register(views[table], frame[list({**TABLE_TYPES, "identity_events": EVENT_TYPES}[
            table])])
    try:
        con.begin()
        try:
            con.execute(f'create schema if not exists "{schema}"')
            for table, types in TABLE_TYPES.items():
                select = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in types.items())
                con.execute(
                    f'create or replace table "{schema}"."{table}" as '
                    f"select {select} from {views[table]}"
                )
            columns = ", ".join(f'"{c}" {t}' for c, t in EVENT_TYPES.items())
            con.execute(f'create table if not exists "{schema}".identity_events ({columns})')
            con.execute(f'insert into "{schema}".identity_events select * from '
                        f'{views["identity_events"]}')
            if result.record_state is not None and result.settings is not None:
                resolved_at = (result.crosswalk["resolved_at"].iloc[0] if len(result.crosswalk)
                               else pd.Timestamp.now())
                write_state(con, schema, result.record_state, result.model_state,
                            result.settings, pd.Timestamp(resolved_at))
            con.commit()
        except Exception:
            con.rollback()
            raise
    finally:
        for view in views.values():
            con.unregister(view)
    log.info("wrote %s: %s", schema, {t: len(f) for t, f in frames.items()})
