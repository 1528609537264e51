"""Asset check evaluations the Dagster instance recorded in the period.

The instance's event log is the one record of every check run, whether it ran in
`cdpkit demo`, `dagster dev` or a schedule; the definitions are not needed to read it,
so a check since renamed or removed still shows. This is the one module of quality/
that imports dagster, and only inside `read_check_evaluations`: the report's
evidence lives in the instance, and reading it needs Dagster's storage classes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class CheckEvaluation:
    """One evaluation of one check; `at` is naive UTC like the warehouse's times."""

    asset_key: str
    check_name: str
    passed: bool
    severity: str
    at: datetime
    run_id: str


@dataclass(frozen=True)
class CheckSummary:
    """One check over the period: how often it passed and failed, and how it ended."""

    asset_key: str
    check_name: str
    passed: int
    failed: int
    last_passed: bool
    last_at: datetime
    last_severity: str

    @property
    def name(self) -> str:
        return f"{self.asset_key} · {self.check_name}"


@dataclass(frozen=True)
class CheckHistory:
    """What the instance holds for the period; `note` says why there is none, if none."""

    home: Path
    evaluations: tuple[CheckEvaluation, ...]
    note: str | None = None


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
    from dagster import DagsterInstance
    from dagster._core.event_api import EventRecordsFilter, RunShardedEventsCursor
    from dagster._core.events import DagsterEventType

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


def summarise_checks(evaluations: Sequence[CheckEvaluation]) -> list[CheckSummary]:
    """One summary per check: failing now first, then those that failed in the period."""
    by_check: dict[tuple[str, str], list[CheckEvaluation]] = {}
    for evaluation in evaluations:
        by_check.setdefault((evaluation.asset_key, evaluation.check_name), []).append(evaluation)
    summaries = []
    for (asset_key, check_name), runs in by_check.items():
        last = max(runs, key=lambda e: e.at)
        passed = sum(e.passed for e in runs)
        summaries.append(CheckSummary(
            asset_key=asset_key, check_name=check_name, passed=passed,
            failed=len(runs) - passed, last_passed=last.passed, last_at=last.at,
            last_severity=last.severity))
    return sorted(summaries, key=lambda s: (s.last_passed, s.failed == 0, s.asset_key,
                                            s.check_name))
