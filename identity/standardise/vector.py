"""Apply a scalar standardiser to a column, once per distinct value.

Source columns repeat values heavily (names, cities, shared inboxes), so mapping
distinct values keeps a million-row run to a fraction of the Python calls. The
standardisers that stay expensive per distinct value (street lines, phone
numbers: hundreds of thousands of distinct values at a million records) can
spread their distinct values over worker processes, one per available core.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from joblib.externals.loky import get_reusable_executor
from joblib.externals.loky.process_executor import TerminatedWorkerError

log = logging.getLogger(__name__)

#: below this many distinct values, starting worker processes costs more than it saves
PARALLEL_MIN_DISTINCT = 200_000
#: environment variable capping the worker processes (1: never start any)
PROCESSES_ENV = "CDP_IDENTITY_PROCESSES"


def map_distinct(values: pd.Series, func: Callable[[Any], Any],
                 parallel: bool = False) -> pd.Series:
    """``func`` over each distinct non-null value; nulls (None/NaN) map to ``None``.

    With `parallel`, many distinct values are spread over worker processes;
    `func` must then be picklable (a module-level function or a partial of one).
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    # one slot past the distinct values holds the nulls' None (code -1 wraps to it)
    results = np.full(len(uniques) + 1, None, dtype=object)
    for i, result in enumerate(_apply(func, list(uniques), parallel)):
        results[i] = result  # item by item: a tuple result stays one object
    out = results[codes]
    out[pd.isna(out)] = None
    return pd.Series(out, index=values.index, dtype=object)


def map_distinct_pairs(
    left: pd.Series, right: pd.Series, func: Callable[[str | None, str | None], Any],
    parallel: bool = False,
) -> pd.Series:
    """``func(left, right)`` over each distinct pair of string values (nulls as ``None``)."""
    keys = left.fillna("").astype(str) + _SEP + right.fillna("").astype(str)
    codes, uniques = pd.factorize(keys)
    results = _apply(_Split(func), list(uniques), parallel)
    return pd.Series(pd.Series(results, dtype=object).to_numpy()[codes], index=left.index)


_SEP = "\x1f"


class _Split:
    """`func` over the two halves of a joined pair key; picklable when `func` is."""

    def __init__(self, func: Callable[[str | None, str | None], Any]) -> None:
        self.func = func

    def __call__(self, key: str) -> Any:
        return self.func(*(part or None for part in key.split(_SEP)))


def worker_processes() -> int:
    """Worker processes a parallel map may start: the cores this process may use,
    capped by `CDP_IDENTITY_PROCESSES`."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cap = os.environ.get(PROCESSES_ENV, "").strip()
    return max(1, min(cores or 1, int(cap))) if cap else max(1, cores or 1)


def _apply(func: Callable[[Any], Any], values: Sequence[Any], parallel: bool) -> list[Any]:
    workers = worker_processes() if parallel else 1
    if workers < 2 or len(values) < PARALLEL_MIN_DISTINCT:
        return [func(value) for value in values]
    # joblib's loky workers: started fresh (no fork of a process holding DuckDB's
    # threads), never re-running the caller's main script, and kept for the next
    # call; contiguous chunks keep the results in order
    chunks = [list(chunk) for chunk in np.array_split(np.asarray(values, dtype=object), workers)]
    try:
        parts = Parallel(n_jobs=workers, backend="loky")(
            delayed(_apply_chunk)(func, chunk) for chunk in chunks)
    except (TerminatedWorkerError, OSError) as error:
        log.warning("worker processes failed (%s); standardising in this process", error)
        return [func(value) for value in values]
    finally:
        # idle workers would keep about 0.25 GB each through the rest of the run;
        # starting them again costs about a second, on the rare call that needs them
        get_reusable_executor().shutdown(wait=True)
    return [result for part in parts for result in part]


def _apply_chunk(func: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    return [func(value) for value in values]
