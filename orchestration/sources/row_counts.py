"""Row counts of the raw tables a dlt run materialised, also for a stream that loaded
nothing this time.

dagster-dlt's `fetch_row_count` takes the table from the load's job list and raises
when that list is empty, which it is for a stream an incremental sync found nothing
new in: the second run of a quiet source failed. A stream's table is named after
the stream, so the count is read from that table whatever the load held.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from dagster import AssetMaterialization, MaterializeResult
from dagster._core.definitions.metadata.metadata_set import TableMetadataSet
from dlt import Pipeline
from dlt.destinations.exceptions import DatabaseUndefinedRelation

Event = TypeVar("Event", AssetMaterialization, MaterializeResult)


def with_row_counts(events: Iterable[Event], pipeline: Pipeline) -> Iterator[Event]:
    """Each materialisation with its table's current row count (`dagster/row_count`)."""
    storage = pipeline.destination.destination_name if pipeline.destination else None
    for event in events:
        if not event.metadata:
            continue
        counted = TableMetadataSet(row_count=table_row_count(pipeline, _table(event)),
                                   storage_kind=storage)
        yield event._replace(metadata={**counted, **event.metadata})


def table_row_count(pipeline: Pipeline, table: str) -> int | None:
    """Rows in the pipeline's `table`; None when dlt never created it (a stream that has
    not yielded a row yet)."""
    with pipeline.sql_client() as client:
        try:
            with client.execute_query(
                    f"select count(*) from {client.make_qualified_table_name(table)}") as cursor:
                return int(cursor.fetchone()[0])
        except DatabaseUndefinedRelation:
            return None


def _table(event: AssetMaterialization | MaterializeResult) -> str:
    jobs = event.metadata.get("jobs")
    if isinstance(jobs, list) and jobs and jobs[0].get("table_name"):
        return str(jobs[0]["table_name"])
    return event.asset_key.path[-1]
