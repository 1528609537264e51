"""Gather the three sources of evidence for a period, and write the page.

The warehouse is opened read-only, so the report can be made while nothing else
writes and never changes what it reports on; the Dagster instance is only read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from quality.audit.checks import (
    CheckHistory,
    CheckSummary,
    summarise_checks,
)
from quality.audit.collect import (
    ConsentChanges,
    ErasureRequest,
    read_consent_changes,
    read_erasure_requests,
    summarise_requests,
)


@dataclass(frozen=True)
class AuditReport:
    """Everything the page shows; times are naive UTC."""

    since: datetime
    generated_at: datetime
    warehouse: Path
    requests: list[ErasureRequest] | None
    consent: ConsentChanges | None
    checks: CheckHistory

    @property
    def request_counts(self) -> dict[str, int]:
        return summarise_requests(self.requests or [], self.generated_at)

    @property
    def check_summaries(self) -> list[CheckSummary]:
        return summarise_checks(self.checks.evaluations)

    @property
    def evaluations_passed(self) -> int:
        return sum(e.passed for e in self.checks.evaluations)

    @property
    def evaluations_failed(self) -> int:
        return len(self.checks.evaluations) - self.evaluations_passed


def build_report(con: duckdb.DuckDBPyConnection, warehouse: Path, checks: CheckHistory,
                 since: datetime, now: datetime) -> AuditReport:
    """Read the period from `since` to `now` (both naive UTC) from the warehouse `con`
    (opened read-only by the caller) at `warehouse`; `checks` is the Dagster instance's
    check history for it (`orchestration/check_history.py`)."""
    requests = read_erasure_requests(con, since)
    consent = read_consent_changes(con, since)
    return AuditReport(since=since, generated_at=now, warehouse=warehouse.resolve(),
                       requests=requests, consent=consent, checks=checks)


def write_report(report: AuditReport, output: Path) -> Path:
    from quality.audit.render import render_html

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_html(report), encoding="utf-8")
    return output
