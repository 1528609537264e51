"""The one way to build a pipeline for a source, shared by the CLI and Dagster.

Each source lands in its own dataset (`raw_<source>`) of one DuckDB file and
keeps its own pipeline state (`cdp_<source>`), so sources load independently
and a failing source never blocks the others.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dlt
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials
from dlt.extract.source import DltSource

from cdpkit.storage import DEFERRED_VACUUM
from connectors.email import email_source
from connectors.erp import erp_source
from connectors.files import files_source
from connectors.shop import shop_source
from connectors.social import social_source

# Customer data platforms should not phone home: dlt's anonymous telemetry is
# off unless the operator turns it back on (RUNTIME__DLTHUB_TELEMETRY=true).
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
# Batches that reach dlt as Arrow tables (connectors/arrow_batches.py) get the same
# `_dlt_load_id` and `_dlt_id` columns as rows dlt normalises itself: the load id
# from dlt, the row id from `with_row_ids` (dlt would rewrite each file for it).
os.environ.setdefault("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID", "true")
os.environ.setdefault("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_ID", "false")
# dlt gzips its intermediate extract files by default: CPU spent on files that
# live for one run on the local disk (65 against 59 us a row of dlt's CPU on
# Shopify-shaped rows, a microbenchmark of 100,000 rows).
os.environ.setdefault("DATA_WRITER__DISABLE_COMPRESSION", "true")
# Personal data lives in the warehouse only, where erasure and retention reach it:
# dlt would otherwise keep each loaded package's files (raw rows) on disk, and the
# rows of the last merge in the `<dataset>_staging` copy of each table.
os.environ.setdefault("LOAD__DELETE_COMPLETED_JOBS", "true")
os.environ.setdefault("LOAD__TRUNCATE_STAGING_DATASET", "true")

SOURCES: dict[str, Callable[..., DltSource]] = {
    "shop": shop_source,
    "erp": erp_source,
    "email": email_source,
    "social": social_source,
    "files": files_source,
}


def make_pipeline(
    source_name: str, warehouse_path: str | Path, pipelines_dir: str | Path
) -> dlt.Pipeline:
    """A pipeline loading `source_name` into `raw_<source>` of the DuckDB file `warehouse_path`."""
    if source_name not in SOURCES:
        raise ValueError(f"unknown source {source_name!r}; known: {sorted(SOURCES)}")
    return dlt.pipeline(
        pipeline_name=f"cdp_{source_name}",
        # Parquet instead of dlt's default for DuckDB (SQL INSERT statements): DuckDB
        # reads it natively, and loading gets 5 to 14 times faster (make bench).
        # and with DuckDB's vacuum left to the day's compacting dbt build, as every
        # writer of the warehouse leaves it (cdpkit/storage.py)
        destination=dlt.destinations.duckdb(
            DuckDbCredentials(str(warehouse_path), global_config=dict(DEFERRED_VACUUM)),
            preferred_loader_file_format="parquet",
        ),
        dataset_name=f"raw_{source_name}",
        pipelines_dir=str(pipelines_dir),
    )


def cursor_positions(state: dict[str, Any], source_name: str) -> dict[str, str]:
    """Each stream's stored incremental cursor (`field = value`): where the next sync starts."""
    resources = state.get("sources", {}).get(source_name, {}).get("resources", {})
    out: dict[str, str] = {}
    for stream, resource_state in resources.items():
        for cursor, incremental in (resource_state.get("incremental") or {}).items():
            out[stream] = f"{cursor} = {incremental.get('last_value')}"
    return out
