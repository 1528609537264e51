"""When cdpkit runs on its own: the hourly pipeline, the daily reconciliation, retention.

`cdp_pipeline` syncs every source incrementally (or those `CDP_SOURCES` names) and
builds what changed; it runs hourly (`CDP_PIPELINE_CRON`). Once a day
(`CDP_RECONCILE_CRON`, 02:30 UTC) the same job runs tagged `cdpkit/reconcile=full`:
every source lists all its ids, so deletions in the shop and the ERP and unfollows on
X reach the warehouse that night whatever hour the last listing ran. Retention has its
own daily job (governance/retention.py).

Schedules start stopped, as Dagster's do, so `cdpkit dev` on a laptop does not start
syncing every hour: turn them on in the UI, or set `CDP_SCHEDULES=on` in a deployment.
A run that fails is retried twice from the failed steps (`dagster/max_retries`, with
`run_retries` enabled in the instance's dagster.yaml): a source down for a few minutes
costs a late run, not a missing hour.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    ScheduleDefinition,
    define_asset_job,
)

from orchestration.governance.erasure import ERASURE
from orchestration.governance.retention import RETENTION
from orchestration.settings import left_out_raw_schemas

if TYPE_CHECKING:  # what define_asset_job returns; dagster does not export the name
    from dagster._core.definitions.unresolved_asset_job_definition import (
        UnresolvedAssetJobDefinition,
    )

RECONCILE_TAG = "cdpkit/reconcile"
RETRIES = {"dagster/max_retries": "2", "dagster/retry_strategy": "FROM_FAILURE"}


def schedule_status() -> DefaultScheduleStatus:
    """RUNNING when `CDP_SCHEDULES=on`, else STOPPED (Dagster's default)."""
    on = os.environ.get("CDP_SCHEDULES", "").strip().lower() in ("on", "1", "true", "yes")
    return DefaultScheduleStatus.RUNNING if on else DefaultScheduleStatus.STOPPED


def pipeline_job() -> UnresolvedAssetJobDefinition:
    """`cdp_pipeline`: every asset but retention and erasure, less the raw tables of
    the API sources `CDP_SOURCES` leaves out (orchestration/settings.py)."""
    left_out = left_out_raw_schemas()
    selection = AssetSelection.all() - AssetSelection.assets(RETENTION, ERASURE)
    if left_out:
        selection = selection - AssetSelection.key_prefixes(*([p] for p in left_out))
    return define_asset_job(
        "cdp_pipeline",
        # retention runs on its own schedule and erasure when a request comes: a sync
        # never waits for either
        selection=selection,
        description="Sync every source (CDP_SOURCES: those named), resolve identities, "
                    "build and check the customer view.",
        tags=RETRIES,
    )


def pipeline_schedules(job: UnresolvedAssetJobDefinition) -> list[ScheduleDefinition]:
    """The hourly run and the nightly reconciliation of `job`, from the environment."""
    return [
        ScheduleDefinition(
            name="cdp_pipeline_hourly", job=job,
            cron_schedule=os.environ.get("CDP_PIPELINE_CRON", "0 * * * *"),
            execution_timezone="UTC", default_status=schedule_status(),
            description="The pipeline, incrementally: every hour by default "
                        "(CDP_PIPELINE_CRON)."),
        ScheduleDefinition(
            name="reconcile_deletions_daily", job=job,
            cron_schedule=os.environ.get("CDP_RECONCILE_CRON", "30 2 * * *"),
            execution_timezone="UTC", default_status=schedule_status(),
            tags={RECONCILE_TAG: "full"},
            description="The pipeline with every source listing all its ids (deleted "
                        "records, unfollows): daily at 02:30 UTC by default "
                        "(CDP_RECONCILE_CRON)."),
    ]
