"""Asset check evaluations over a period, as the audit report shows them.

The evaluations come from the Dagster instance's event log, read by
`orchestration/check_history.py` (quality/ never imports Dagster); this module
only holds them and sums them up per check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
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
