"""Which rows a Great Expectations suite validates in a run: every row, or only those
written since its last passing validation.

At a million customers a mart suite spends ten seconds in pandas on a table of which
an hourly build rewrote a few percent; every other row passed the same suite before
and has not changed since. A suite whose rows carry the build's stamp
(`SuiteSpec.row_stamp`) therefore validates the rows stamped after the newest stamp its
last passing validation saw, and every row when there is no such validation, when the
suite changed since (its fingerprint), or when its last passing validation of every row
is older than `FULL_VALIDATION_EVERY`: that daily run also checks what only the whole
table shows (that it is not empty) and catches a row a broken build left behind. Rows a
failed validation saw are read again until a validation passes, as the watermark moves
only with a pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

#: how often a row-stamped suite validates every row
FULL_VALIDATION_EVERY = timedelta(hours=24)

EVERY_ROW = "every row"
CHANGED_ROWS = "rows written since"


@dataclass(frozen=True)
class PastValidation:
    """What an earlier run of the suite recorded: when (aware UTC), its verdict, and the
    `scope`, `validated_through` and `suite_fingerprint` of its metadata."""

    at: datetime
    passed: bool
    scope: str | None
    validated_through: datetime | None
    fingerprint: str | None


@dataclass(frozen=True)
class ValidationScope:
    """Every row (`since` is None) or the rows stamped after `since`, and why."""

    since: datetime | None
    reason: str

    @property
    def label(self) -> str:
        """The run's `scope` metadata: what a later run reads back."""
        return EVERY_ROW if self.since is None else CHANGED_ROWS


def choose_scope(history: Sequence[PastValidation], fingerprint: str, now: datetime,
                 full_every: timedelta = FULL_VALIDATION_EVERY) -> ValidationScope:
    """The scope of this run from the suite's earlier runs, newest first."""
    passes = [run for run in history if run.passed and run.fingerprint == fingerprint]
    if not passes:
        return ValidationScope(None, "no passing validation of this suite yet")
    last_full = next((run for run in passes if run.scope == EVERY_ROW), None)
    if last_full is None or now - last_full.at >= full_every:
        hours = full_every.total_seconds() / 3600
        return ValidationScope(None, f"every row at least once every {hours:g} h")
    newest = passes[0].validated_through
    if newest is None:
        return ValidationScope(None, "the last passing validation saw no stamped row")
    return ValidationScope(newest, f"rows stamped after {newest.isoformat(sep=' ')}, the "
                                   "newest stamp the last passing validation saw")


def newest_stamp(stamps, since: datetime | None) -> datetime | None:
    """The newest of a batch's row stamps (a pandas Series), or `since` for an empty
    batch: the watermark the next run starts from."""
    newest = stamps.max() if len(stamps) else None
    if newest is None or newest != newest:  # NaT: no stamped row
        return since
    return newest.to_pydatetime() if hasattr(newest, "to_pydatetime") else newest
