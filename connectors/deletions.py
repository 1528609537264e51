"""Deletions found by comparing id sets: what the warehouse holds but the source no longer has.

Shopify (deleted customers, orders) and Odoo (`unlink`) delete for good with
no tombstone, so an incremental cursor never sees the deletion. A
reconciliation lists the source's live ids (an id-only read) and records
every id the raw table holds that the source lost in `<dataset>.deletions
(stream, id, detected_at)`. Nothing is removed from the raw tables: the record
stays for audit and downstream models flag it as deleted.

Listing every id costs time proportional to the whole source, not to the
change, so it runs on its own cadence (`every`, typically a day) rather than
on each hourly sync; the time of the last one is kept in dlt resource state,
committed with the load it belongs to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt
from dlt.sources import DltResource

logger = logging.getLogger(__name__)

#: How often the CLI and Dagster list every id by default: deletions show within a day,
#: and the hourly syncs in between cost what the change costs.
DEFAULT_RECONCILE_EVERY = timedelta(hours=24)

#: stream name -> a function yielding pages of the source's live ids for that stream
IdListers = dict[str, Callable[[], Iterable[list[Any]]]]

DELETION_COLUMNS = {
    "stream": {"data_type": "text", "nullable": False},
    "id": {"data_type": "text", "nullable": False},
    "detected_at": {"data_type": "timestamp"},
}


def deletions_resource(id_listers: IdListers, every: timedelta | None = None) -> DltResource:
    """A dlt resource recording, per stream, ids deleted in the source since the last check.

    With `every`, a sync lists ids only when the last reconciliation is at
    least that old; `None` (or zero) checks on every sync.
    """

    @dlt.resource(
        name="deletions",
        primary_key=("stream", "id"),
        write_disposition="merge",
        columns=DELETION_COLUMNS,
    )
    def deletions() -> Iterator[list[dict[str, Any]]]:
        # The table exists from the first sync on, empty until something is deleted,
        # so models and BI tools can always read it.
        yield dlt.mark.materialize_table_schema()
        state = dlt.current.resource_state()
        now = datetime.now(UTC)
        due = reconciliation_due(state.get("reconciled_at"), every, now)
        if not due:
            logger.info("deletions last reconciled at %s; next one after %s",
                        state["reconciled_at"], every)
            return
        pipeline = dlt.current.pipeline()
        recorded = _recorded_deletions(pipeline)
        for stream, list_ids in id_listers.items():
            held = _warehouse_ids(pipeline, stream)
            if not held:
                continue
            live = {str(i) for page in list_ids() for i in page}
            gone = sorted(held - live - recorded.get(stream, set()))
            if gone:
                logger.info("%s: %d records deleted in the source", stream, len(gone))
                yield [{"stream": stream, "id": i, "detected_at": now} for i in gone]
        # An empty table held nothing to compare, and the load it belongs to reads
        # the source in full: either way the raw tables now match the source's ids.
        state["reconciled_at"] = now.isoformat()

    return deletions


def reconciliation_due(last: str | None, every: timedelta | None, now: datetime) -> bool:
    """Whether a full id listing is due: never done, always wanted, or `every` has passed."""
    if not last or not every:
        return True
    return now - datetime.fromisoformat(last) >= every


def _warehouse_ids(pipeline: Any, table: str) -> set[str]:
    """Ids of `table` in the destination; empty before its first load."""
    return {row[0] for row in _query(pipeline, "select cast(id as varchar) from {}", table)}


def _recorded_deletions(pipeline: Any) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for stream, rid in _query(pipeline, "select stream, id from {}", "deletions"):
        out.setdefault(stream, set()).add(rid)
    return out


def _query(pipeline: Any, sql: str, table: str) -> list[tuple]:
    from dlt.destinations.exceptions import DatabaseUndefinedRelation

    try:
        with pipeline.sql_client() as client:
            query = sql.format(client.make_qualified_table_name(table))
            with client.execute_query(query) as cursor:
                return list(cursor.fetchall())
    except DatabaseUndefinedRelation:
        return []
