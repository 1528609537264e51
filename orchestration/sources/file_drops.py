"""File drops in Dagster: one asset per table, a job loading them, a sensor watching the folder.

Assets are `raw_files/<kind>`, `raw_files/quarantine` and `raw_files/file_loads`,
loaded together by dlt (via dagster-dlt) from the folder the `file_drops`
resource names. Each run reads only files whose content no table has yet,
so running it again, or with an empty or missing folder, loads nothing.

`file_drops_sensor` hashes what is in the folder (only files whose size or
modification time changed) and requests a `load_file_drops` run when some
content was not there at its previous tick. Its cursor is the folder as last
seen; its run key is the set of new contents, so one drop never launches two
runs. A run loads every pending file, not only the new ones: a failed run's
files are picked up again by the next one.

The resource sits here rather than in orchestration/resources.py because it
holds no credential, only the folder and the kinds declaration.
"""

import hashlib
import json
import time
from pathlib import Path
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetSelection,
    ConfigurableResource,
    DefaultSensorStatus,
    MetadataValue,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    define_asset_job,
    sensor,
)
from dagster_dlt import DagsterDltResource, dlt_assets
from pydantic import Field

from connectors import drift
from connectors.files import files_source, resolve_kinds
from connectors.files.report import last_sync_summary
from connectors.files.watch import new_tokens, snapshot
from connectors.pipeline import make_pipeline
from connectors.settings import optional_setting
from connectors.suppression import dropped_rows, suppress_erased
from orchestration.resources import WarehouseResource
from orchestration.settings import drop_dir, state_dir, warehouse_path
from orchestration.sources.assets import RawLayerTranslator
from orchestration.sources.row_counts import with_row_counts

SOURCE = "files"


class FileDropsResource(ConfigurableResource):
    """The folder ERP and CRM exports are dropped in, and an optional kinds declaration."""

    drop_dir: str = Field(description="Folder scanned for CSV, JSONL and Parquet files.")
    kinds_file: str | None = Field(
        default=None, description="YAML/JSON file declaring kinds beyond the built-in ones."
    )

    def source(self) -> Any:
        return files_source(drop_dir=self.drop_dir, kinds_file=self.kinds_file)

    def kinds(self) -> dict[str, Any]:
        return resolve_kinds(self.kinds_file)


# Kinds are read when the code location loads: a new kind needs a reload to become an asset.
@dlt_assets(
    dlt_source=files_source(drop_dir=drop_dir(), kinds_file=optional_setting(SOURCE, "kinds_file")),
    dlt_pipeline=make_pipeline(SOURCE, warehouse_path(), state_dir() / "dlt"),
    name="sync_files",
    dagster_dlt_translator=RawLayerTranslator(SOURCE),
    pool=f"source_{SOURCE}",
)
def sync_files(context: AssetExecutionContext, dlt: DagsterDltResource,
               warehouse: WarehouseResource, file_drops: FileDropsResource):
    pipeline = make_pipeline(SOURCE, warehouse.path, state_dir() / "dlt")
    started = time.perf_counter()
    before = drift.snapshot(pipeline)
    source = file_drops.source()
    suppressing = suppress_erased(source, SOURCE, warehouse.path, state_dir())
    events = dlt.run(context=context, dlt_source=source, dlt_pipeline=pipeline)
    summary: dict[str, int] | None = None
    for event in with_row_counts(events, pipeline):
        if summary is None:  # the load is done once the first materialisation comes out
            summary = last_sync_summary(pipeline)
            report = drift.detect(pipeline, before, SOURCE)
            context.log.info(
                "file drops: %d files loaded, %d rejected whole, %d records quarantined",
                summary["files_loaded"], summary["files_rejected"],
                summary["records_quarantined"],
            )
        table = event.asset_key.path[-1]
        # a column new in an export is drift; file-drop tables have no nested tables
        changes = [c for c in report.changes if c.table == table]
        yield event._replace(metadata={
            **event.metadata,
            **summary,
            "schema_drift": MetadataValue.md(drift.DriftReport(SOURCE, changes).markdown()),
            "drop_dir": file_drops.drop_dir,
            "rows_suppressed": dropped_rows(suppressing).get(table, 0),
            "source_sync_seconds": round(time.perf_counter() - started, 2),
        })


file_drop_assets = [sync_files]

load_file_drops = define_asset_job(
    "load_file_drops",
    selection=AssetSelection.assets(sync_files),
    description="Load the files dropped since the last run; the rest of the folder is skipped.",
)


def _run_key(tokens: list[str]) -> str:
    return "files-" + hashlib.sha256("\n".join(tokens).encode()).hexdigest()[:32]


@sensor(
    job=load_file_drops,
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.RUNNING,
    description="Requests load_file_drops when a file with new content lands in the drop folder.",
)
def file_drops_sensor(
    context: SensorEvaluationContext, file_drops: FileDropsResource
) -> SensorResult | SkipReason:
    folder = Path(file_drops.drop_dir)
    if not folder.is_dir():
        return SkipReason(f"drop folder {folder} does not exist")
    previous = json.loads(context.cursor) if context.cursor else {}
    current = snapshot(folder, file_drops.kinds(), previous)
    fresh = new_tokens(current, previous)
    cursor = json.dumps(current, sort_keys=True)
    if not fresh:
        return SensorResult(skip_reason=SkipReason(f"no new files in {folder}"), cursor=cursor)
    context.log.info("%d new files in %s", len(fresh), folder)
    request = RunRequest(run_key=_run_key(fresh), tags={"cdpkit/new_files": str(len(fresh))})
    return SensorResult(run_requests=[request], cursor=cursor)
