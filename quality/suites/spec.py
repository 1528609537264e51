"""A suite declared as data, so callers can list, run and report it uniformly."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SuiteSpec:
    """Expectations for one table, plus which of its columns hold personal data.

    `query` reads the batch from the warehouse: only the columns the expectations
    need, and columns computed for them (a flag per row) where a promise spans
    tables. `asset` is the Dagster asset the suite guards, as its key path.
    """

    name: str
    expectations: list[Any]
    pii_columns: frozenset[str] = field(default_factory=frozenset)
    query: str = ""
    asset: tuple[str, ...] = ()
