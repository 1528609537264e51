"""A suite declared as data, so callers can list, run and report it uniformly."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
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

    `row_stamp` names the column every build stamps on each row it writes (the marts'
    `row_changed_at`), which `query` must select: with it, a run can validate only the
    rows written since an earlier validation (`batch(con, since)`). Only a suite whose
    every expectation holds row by row can say so; a key's uniqueness among the rows
    written since holds too, as a build replaces every row of each key it writes
    (delete+insert), the same reasoning that scopes the marts' dbt tests.
    """

    name: str
    expectations: list[Any]
    pii_columns: frozenset[str] = field(default_factory=frozenset)
    query: str = ""
    asset: tuple[str, ...] = ()
    read: Callable[[Any], Any] | None = None
    check_name: str = ""
    row_stamp: str = ""

    def batch(self, con: Any, since: datetime | None = None) -> Any:
        """The rows to validate, read from the connection `con`: every row, or with
        `since` those whose `row_stamp` is later."""
        if since is None:
            return self.read(con) if self.read is not None else con.execute(self.query).df()
        if not self.row_stamp or self.read is not None:
            raise ValueError(f"the suite for {self.name} has no row stamp to narrow its rows by")
        return con.execute(f"select * from ({self.query}) as batch where {self.row_stamp} > ?",
                           [since]).df()

    def fingerprint(self) -> str:
        """Changes when what the suite reads or expects changes: rows validated under
        another suite have not been validated under this one."""
        parts = [self.name, self.query, self.row_stamp,
                 getattr(self.read, "__qualname__", ""),
                 *(expectation.json(exclude={"id"}) for expectation in self.expectations)]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
