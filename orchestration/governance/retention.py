"""Retention as a scheduled asset: daily, outside the pipeline job, so a sync never
waits for it and a demo world dated in the past is not emptied by it."""

from __future__ import annotations

from dagster import (
    AssetKey,
    AssetSelection,
    MaterializeResult,
    MetadataValue,
    ScheduleDefinition,
    asset,
    define_asset_job,
)

from orchestration.groups import GOVERNANCE, OWNERS
from orchestration.resources import RetentionResource, WarehouseResource
from quality.retention import apply_retention

RETENTION = AssetKey(["governance", "retention"])


@asset(key=RETENTION, group_name=GOVERNANCE, owners=OWNERS[GOVERNANCE], kinds={"python", "duckdb"},
       description="Deletes rows older than the retention rules allow (defaults in "
                   "quality/retention.py, or the YAML file in CDP_RETENTION_RULES), then "
                   "verifies none are left and records both in governance.retention_runs.")
def retention(warehouse: WarehouseResource, retention_rules: RetentionResource
              ) -> MaterializeResult:
    rules = retention_rules.rules()
    with warehouse.connect() as con:
        outcomes = apply_retention(con, rules)
    left = sum(o.rows_left_past_cutoff for o in outcomes)
    if left:
        raise RuntimeError(f"retention left {left} rows past their cutoff; "
                           "see governance.retention_runs")
    lines = ["| table | keep (days) | cutoff | deleted | left past cutoff |",
             "| --- | ---: | --- | ---: | ---: |"]
    lines += [f"| {o.table} | {o.rule.days} | {o.cutoff:%Y-%m-%d %H:%M} | {o.rows_deleted:,} "
              f"| {o.rows_left_past_cutoff} |" for o in outcomes]
    return MaterializeResult(metadata={
        "rules": len(rules),
        "rows_deleted": sum(o.rows_deleted for o in outcomes),
        "outcomes": MetadataValue.md("\n".join(lines)),
    })


retention_job = define_asset_job(
    "retention", selection=AssetSelection.assets(RETENTION),
    description="Apply the retention rules to the warehouse and record the proof.")
retention_schedule = ScheduleDefinition(
    job=retention_job, cron_schedule="0 3 * * *", execution_timezone="UTC",
    description="Retention, daily at 03:00 UTC.")
