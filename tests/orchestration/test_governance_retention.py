"""The retention asset in a real Dagster run, on its own job and schedule, outside the
pipeline job."""

from __future__ import annotations

import duckdb
from dagster import Definitions

from orchestration.definitions import build_defs
from orchestration.governance.retention import RETENTION, retention, retention_job
from orchestration.resources import RetentionResource, WarehouseResource


def test_the_asset_applies_the_rules_file_and_reports_it(tmp_path):
    path = tmp_path / "cdp.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw_social")
        con.execute("create table raw_social.dm_events (id varchar, created_at timestamptz)")
        con.execute("insert into raw_social.dm_events values "
                    "('1', '2001-01-01 00:00:00+00'), ('2', now())")
    rules = tmp_path / "retention.yml"
    rules.write_text("rules:\n  - table: raw_social.dm_events\n    column: created_at\n"
                     "    days: 365\n", encoding="utf-8")
    defs = Definitions(assets=[retention], jobs=[retention_job], resources={
        "warehouse": WarehouseResource(path=str(path)),
        "retention_rules": RetentionResource(rules_path=str(rules))})
    result = defs.resolve_job_def("retention").execute_in_process()
    assert result.success
    [materialization] = result.asset_materializations_for_node("governance__retention")
    assert materialization.metadata["rows_deleted"].value == 1
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select id from raw_social.dm_events").fetchall() == [("2",)]
        assert con.execute("select rows_deleted, rows_left_past_cutoff "
                           "from governance.retention_runs").fetchall() == [(1, 0)]


def test_retention_is_scheduled_daily_and_kept_out_of_the_pipeline():
    defs = build_defs()
    assert RETENTION not in defs.resolve_job_def("cdp_pipeline").asset_layer.executable_asset_keys
    schedule = defs.resolve_schedule_def("retention_schedule")
    assert schedule.cron_schedule == "0 3 * * *"
    assert schedule.job_name == "retention"
