"""Where a run's time goes: wall seconds per stage, kept in the run's statistics.

`resolve` records its stages as `<stage>_seconds` and probabilistic linkage's
own steps under `linkage_stage_seconds`; `stage_seconds` reads them back in
run order for the CLI and the Dagster metadata.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
LINKAGE_STEPS = "linkage_stage_seconds"


class StageTimer:
    """Wall seconds per named stage, in the order the stages ran."""

    def __init__(self, suffix: str = "") -> None:
        self.seconds: dict[str, float] = {}
        self._suffix = suffix

    @contextmanager
    def stage(self, stage: str) -> Iterator[None]:
        """The seconds of the `with` block, kept under `stage` (plus the suffix)."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[f"{stage}{self._suffix}"] = round(time.perf_counter() - started, 3)

    def time(self, stage: str, func: Callable[..., T], *args: object) -> T:
        """`func(*args)`; its seconds are kept under `stage` (plus the suffix)."""
        started = time.perf_counter()
        try:
            return func(*args)
        finally:
            self.seconds[f"{stage}{self._suffix}"] = round(time.perf_counter() - started, 3)


def stage_seconds(stats: Mapping[str, Any]) -> list[tuple[str, float, bool]]:
    """`(stage, seconds, is_a_linkage_step)` in run order, linkage's steps after it;
    the total (`seconds`) left out."""
    rows = []
    for key, value in stats.items():
        if not key.endswith("_seconds") or key == LINKAGE_STEPS:
            continue
        rows.append((key.removesuffix("_seconds"), float(value), False))
        if key == "linkage_seconds":
            rows += [(step, float(s), True) for step, s in stats.get(LINKAGE_STEPS, {}).items()]
    return rows
