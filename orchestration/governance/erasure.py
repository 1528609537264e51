"""Erasure in Dagster: a sensor on the request inbox, a job that erases, a check on due dates.

`cdpkit privacy forget` drops a request in the inbox; `erasure_requests_sensor`
sees it within a minute and runs the `erasure` job, whose one asset erases each
subject everywhere, records the proof and fails the run when any table still
holds the person. The asset stays out of the pipeline job, like retention: it
runs when there is something to erase, in the `warehouse` pool so it never
writes the DuckDB file beside dbt or identity.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    AssetSelection,
    DefaultSensorStatus,
    MaterializeResult,
    MetadataValue,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    asset,
    asset_check,
    define_asset_job,
    sensor,
)

from orchestration.groups import GOVERNANCE, OWNERS
from orchestration.resources import WarehouseResource
from orchestration.settings import state_dir
from quality.privacy import requests as erasure_requests
from quality.privacy.erase import process_inbox
from quality.privacy.identifiers import load_salt
from quality.privacy.suppression import now_utc

ERASURE = AssetKey(["governance", "erasure"])


@asset(key=ERASURE, group_name=GOVERNANCE, owners=OWNERS[GOVERNANCE],
       kinds={"python", "duckdb"}, pool="warehouse",
       description="Carries out the erasure requests in the inbox (`cdpkit privacy forget`): "
                   "suppresses the person's identifiers at every future load, deletes their "
                   "rows from every table, then verifies and records zero rows left per table "
                   "in governance.erasure_proof.")
def erasure(context, warehouse: WarehouseResource) -> MaterializeResult:
    home = state_dir()
    with warehouse.connect() as con:
        erasure_requests.ensure_tables(con)
        outcomes = process_inbox(con, home, load_salt(home), on_progress=context.log.info)
        pending = [s for s in erasure_requests.statuses(con, home) if s.status != "erased"]
    failed = [o for o in outcomes if o.status != "erased"]
    lines = ["| request | status | golden ids | rows erased | tables with rows | rows left |",
             "| --- | --- | ---: | ---: | ---: | ---: |"]
    lines += [f"| {o.request_id} | {o.status} | {len(o.golden_ids)} | {o.rows_erased:,} "
              f"| {sum(1 for p in o.proofs if p.rows_erased)} "
              f"| {sum(p.rows_left for p in o.proofs)} |" for o in outcomes]
    if failed:
        raise RuntimeError("erasure left rows behind for "
                           + "; ".join(f"{o.request_id} ({o.detail})" for o in failed)
                           + ": see governance.erasure_proof")
    return MaterializeResult(metadata={
        "requests_erased": len(outcomes),
        "rows_erased": sum(o.rows_erased for o in outcomes),
        "requests_still_open": len(pending),
        "outcomes": MetadataValue.md("\n".join(lines) if outcomes else "no request waiting"),
    })


@asset_check(asset=ERASURE, description="No erasure request past its due date (one month "
             "after it was made), whether still open or done late.")
def erasure_requests_on_time(warehouse: WarehouseResource) -> AssetCheckResult:
    now = now_utc()
    with warehouse.connect(read_only=True) as con:
        known = erasure_requests.statuses(con, state_dir())
    late = [s for s in known if s.overdue(now)]
    return AssetCheckResult(
        passed=not late, severity=AssetCheckSeverity.ERROR,
        description=("every request on time" if not late else
                     f"{len(late)} requests past their due date"),
        metadata={"requests": len(known), "overdue": len(late),
                  "overdue_requests": MetadataValue.md(
                      "\n".join(f"- {s.request_id}: due {s.due_at:%Y-%m-%d}, {s.status}"
                                for s in late) or "none")})


erasure_job = define_asset_job(
    "erasure", selection=AssetSelection.assets(ERASURE),
    description="Erase the subjects of the waiting erasure requests and record the proof.")


@sensor(job=erasure_job, minimum_interval_seconds=30, default_status=DefaultSensorStatus.RUNNING,
        description="Runs the erasure job when `cdpkit privacy forget` records a request; a "
                    "request that failed is tried again the next day.")
def erasure_requests_sensor(context: SensorEvaluationContext) -> RunRequest | SkipReason:
    waiting = erasure_requests.inbox(state_dir())
    if not waiting:
        return SkipReason("no erasure request waiting")
    ids = sorted(request.request_id for _, request in waiting)
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    key = hashlib.sha256("\n".join([day, *ids]).encode()).hexdigest()[:32]
    context.log.info("%d erasure requests waiting", len(ids))
    return RunRequest(run_key=f"erasure-{key}", tags={"cdpkit/erasure_requests": str(len(ids))})
