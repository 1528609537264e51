"""A suite declared as data, so callers can list, run and report it uniformly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SuiteSpec:
    """Expectations for one table, plus which of its columns hold personal data.

    `query` reads the batch from the warehouse: only the columns the expectations
    need, and columns computed for them (a flag per row) where a promise spans
    tables. `read` replaces it where a flag needs Python (a salted hash, a file on
    disk): it takes a DuckDB connection and returns the batch as a DataFrame.
    `asset` is the Dagster asset the suite guards, as its key path; `check_name`
    names its check when one table has more than one suite.
    """

    name: str
    expectations: list[Any]
    pii_columns: frozenset[str] = field(default_factory=frozenset)
    query: str = ""
    asset: tuple[str, ...] = ()
    read: Callable[[Any], Any] | None = None
    check_name: str = ""

    def batch(self, con: Any) -> Any:
        """The rows to validate, read from the connection `con`."""
        return self.read(con) if self.read is not None else con.execute(self.query).df()
