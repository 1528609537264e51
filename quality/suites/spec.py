"""A suite declared as data, so callers can list, run and report it uniformly."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SuiteSpec:
    """Expectations for one table, plus which of its columns hold personal data."""

    name: str
    expectations: list[Any]
    pii_columns: frozenset[str] = field(default_factory=frozenset)
