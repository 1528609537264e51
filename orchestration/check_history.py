"""Asset check evaluations the Dagster instance recorded in a period, for the audit report.

The instance's event log is the one record of every check run, whether it ran in
`cdpkit demo`, `dagster dev` or a schedule; the definitions are not needed to read it,
so a check since renamed or removed still shows. It lives here because reading it
needs Dagster's storage classes, and orchestration/ is the one place that imports them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from dagster import DagsterInstance
from dagster._core.event_api import EventRecordsFilter, RunShardedEventsCursor
from dagster._core.events import DagsterEventType

from quality.audit.checks import CheckEvaluation, CheckHistory


def read_check_evaluations(home: Path, since: datetime) -> CheckHistory:
    """Every ASSET_CHECK_EVALUATION event at or after `since` (naive UTC), oldest first.

    Asks the event log storage directly (`get_event_records` on the instance is
    deprecated in Dagster 1.13, the storage's is not). On the default run-sharded
    SQLite storage a cross-run query opens each run's database, so the
    `RunShardedEventsCursor` limits it to runs updated in the period; other storages
    read its id (0: from the start) and the timestamp filter.
    """
    if not home.is_dir():
        return CheckHistory(home, (), f"no Dagster instance at {home}")
    since_utc = since.replace(tzinfo=UTC)
    records_filter = EventRecordsFilter(
        event_type=DagsterEventType.ASSET_CHECK_EVALUATION,
        after_timestamp=since_utc.timestamp(),
        after_cursor=RunShardedEventsCursor(id=0, run_updated_after=since_utc),
    )
    with DagsterInstance.from_config(str(home)) as instance:
        records = instance.event_log_storage.get_event_records(records_filter, ascending=True)
    evaluations = []
    for record in records:
        entry = record.event_log_entry
        data = entry.dagster_event.event_specific_data if entry.dagster_event else None
        if data is None:
            continue
        evaluations.append(CheckEvaluation(
            asset_key=data.asset_key.to_user_string(), check_name=data.check_name,
            passed=bool(data.passed), severity=data.severity.value,
            at=datetime.fromtimestamp(entry.timestamp, UTC).replace(tzinfo=None),
            run_id=entry.run_id))
    evaluations.sort(key=lambda e: (e.at, e.asset_key, e.check_name))
    note = None if evaluations else "the Dagster instance recorded no check evaluation"
    return CheckHistory(home, tuple(evaluations), note)
