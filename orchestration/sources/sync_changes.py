"""What one sync did to each raw table: rows received, new, updated, deleted at the source.

The figures a data engineer reads first on a sync: dlt says how many rows each table
received; the table's row count before and after tells new rows from updates (a
merge replaces a row it already had); the `deletions` table's rows of this load say
how many records the source no longer has (found by the id listing).
"""

from __future__ import annotations

from typing import Any

from dlt import Pipeline

from orchestration.sources.row_counts import table_row_count


def row_counts(pipeline: Pipeline, tables: list[str]) -> dict[str, int | None]:
    """Each table's row count now (None: not created yet)."""
    return {table: table_row_count(pipeline, table) for table in tables}


def changes(pipeline: Pipeline, before: dict[str, int | None], stream: str,
            after: Any) -> dict[str, Any]:
    """The sync's effect on `stream`'s table, given its count before and after the load
    (`after` as it sits in the materialisation's metadata: an int or a metadata value)."""
    after = getattr(after, "value", after)
    trace = pipeline.last_trace
    normalize = trace.last_normalize_info if trace else None
    received = int((normalize.row_counts if normalize else {}).get(stream, 0))
    new = max(0, (after or 0) - (before.get(stream) or 0))
    return {
        "rows_received": received,
        "rows_new": new,
        "rows_updated": max(0, received - new),
        "records_deleted_at_source": _deleted(pipeline, stream),
    }


def _deleted(pipeline: Pipeline, stream: str) -> int:
    """Deletion rows this sync's load wrote for `stream` (0 when the source records none)."""
    trace = pipeline.last_trace
    load = trace.last_load_info if trace else None
    if load is None or not load.loads_ids or table_row_count(pipeline, "deletions") is None:
        return 0
    with pipeline.sql_client() as client:
        table = client.make_qualified_table_name("deletions")
        placeholders = ", ".join(["%s"] * len(load.loads_ids))
        with client.execute_query(
                f"select count(*) from {table} where stream = %s "
                f"and _dlt_load_id in ({placeholders})", stream, *load.loads_ids) as cursor:
            return int(cursor.fetchone()[0])
