"""`cdpkit sync`: the connectors without Dagster, for a first load or a repair.

It runs the same dlt sources and pipelines as the Dagster assets (same
datasets, same state), configured from the same environment variables.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from connectors import drift
from connectors.child_tables import drop_nested_layout
from connectors.deletions import DEFAULT_RECONCILE_EVERY
from connectors.drift import DriftReport
from connectors.pipeline import SOURCES, cursor_positions, make_pipeline
from connectors.quarantine import quarantined_counts
from connectors.settings import source_from_env
from connectors.suppression import dropped_rows, suppress_erased

#: Sources whose streams have a timestamp cursor, so `--since` can re-read a range.
DATED_SOURCES = ("shop", "erp", "email")
#: Sources whose sync re-reads every id now and then (deletions, X followers).
RECONCILING_SOURCES = ("shop", "erp", "social")


@dataclass(frozen=True)
class SyncRequest:
    warehouse: Path
    state_dir: Path
    source: str | None = None
    stream: str | None = None
    full_refresh: bool = False
    since: datetime | None = None
    #: list every id now (deletions, unfollows) instead of when the cadence says
    reconcile: bool = False
    reconcile_every: timedelta = DEFAULT_RECONCILE_EVERY


@dataclass
class SyncOutcome:
    source: str
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    cursors: dict[str, Any] = field(default_factory=dict)
    #: new columns and changed types this load brought (schema drift), never values
    drift: DriftReport | None = None
    #: records with an empty primary key put in `raw_<source>.quarantine`, per stream
    quarantined: dict[str, int] = field(default_factory=dict)
    #: rows of erased people the suppression list kept out, per table
    suppressed: dict[str, int] = field(default_factory=dict)


class SyncError(ValueError):
    """A request that cannot be run as asked; the message says why."""


def plan(request: SyncRequest) -> list[str]:
    """The sources to sync, after checking the request makes sense."""
    if request.source and request.source not in SOURCES:
        raise SyncError(f"unknown source {request.source!r}; known: {', '.join(SOURCES)}")
    if request.stream and not request.source:
        raise SyncError("a stream needs its source: cdpkit sync SOURCE STREAM")
    if request.since and request.full_refresh:
        raise SyncError("--since re-reads a range into the existing tables; "
                        "--full-refresh rebuilds them: choose one")
    sources = [request.source] if request.source else list(SOURCES)
    if request.since:
        undated = [s for s in sources if s not in DATED_SOURCES]
        if request.source and undated:
            raise SyncError(f"{request.source} has no timestamp cursor (X reads new items by "
                            "since_id, file drops each new file once): use --full-refresh "
                            "to re-read it")
        sources = [s for s in sources if s in DATED_SOURCES]
    return sources


def run_sync(
    request: SyncRequest, on_start: Callable[[str], None] | None = None
) -> Iterator[SyncOutcome]:
    """Sync each planned source in turn, yielding what each loaded."""
    for name in plan(request):
        if on_start:
            on_start(name)
        overrides: dict[str, Any] = {}
        if request.since:
            # The range is open at its end and sources stamp whole seconds: end one
            # second ahead so records changed in this very second are re-read too.
            end = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
            overrides = {"start_date": request.since, "end_date": end}
        if name in RECONCILING_SOURCES:
            overrides["reconcile_every"] = None if request.reconcile else request.reconcile_every
        source = source_from_env(name, **overrides)
        if request.stream:
            if request.stream not in source.resources:
                raise SyncError(f"{name} has no stream {request.stream!r}; streams: "
                                + ", ".join(source.resources))
            source = source.with_resources(request.stream)
        pipeline = make_pipeline(name, request.warehouse, request.state_dir / "dlt")
        suppressing = suppress_erased(source, name, request.warehouse, request.state_dir)
        started = time.perf_counter()
        drop_nested_layout(pipeline, source)
        before = drift.snapshot(pipeline)
        pipeline.run(source, refresh="drop_resources" if request.full_refresh else None)
        counts = pipeline.last_trace.last_normalize_info.row_counts
        yield SyncOutcome(
            source=name,
            seconds=time.perf_counter() - started,
            rows={t: n for t, n in counts.items() if not t.startswith("_dlt")},
            cursors=cursor_positions(pipeline.state, name),
            drift=drift.detect(pipeline, before, name),
            quarantined=quarantined_counts(source),
            suppressed=dropped_rows(suppressing),
        )
