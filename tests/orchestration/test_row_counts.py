"""Row counts of raw tables for Dagster, also for streams a run loaded nothing into."""

from __future__ import annotations

import dlt
from dagster import AssetKey, MaterializeResult

from orchestration.sources.row_counts import table_row_count, with_row_counts


def test_a_stream_with_nothing_new_still_gets_its_tables_row_count(tmp_path):
    pipeline = dlt.pipeline("row_counts", destination=dlt.destinations.duckdb(
        str(tmp_path / "w.duckdb")), dataset_name="raw_test",
        pipelines_dir=str(tmp_path / "dlt"))
    pipeline.run([{"id": 1}, {"id": 2}], table_name="customers")
    assert table_row_count(pipeline, "customers") == 2
    assert table_row_count(pipeline, "never_loaded") is None
    # an incremental load that found nothing: no jobs in its metadata
    quiet = MaterializeResult(asset_key=AssetKey(["raw_test", "customers"]),
                              metadata={"jobs": [], "rows_loaded": 0})
    loaded = MaterializeResult(asset_key=AssetKey(["raw_test", "other"]),
                               metadata={"jobs": [{"table_name": "customers"}]})
    counted = list(with_row_counts([quiet, loaded], pipeline))
    assert [event.metadata["dagster/row_count"] for event in counted] == [2, 2]
    assert counted[0].metadata["rows_loaded"] == 0
