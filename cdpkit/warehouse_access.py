"""Opening the warehouse from a command: one message for a missing or busy file.

Every subcommand that reads or writes the DuckDB file says the same two things the
same way, and exits 2, so a script can tell "fix the setup" from "the work failed".
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from cdpkit.storage import defer_vacuum

#: the exit code of a command that could not open the warehouse
UNAVAILABLE = 2


class WarehouseUnavailable(Exception):
    """The warehouse file is missing or held by another process; the message says which."""


def connect(path: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse at `path`, or WarehouseUnavailable saying what to do."""
    warehouse = Path(path)
    if not warehouse.exists():
        raise WarehouseUnavailable(f"no warehouse at {warehouse}; run `cdpkit demo` or the "
                                   "pipeline first, or pass --warehouse")
    try:
        con = duckdb.connect(str(warehouse), read_only=read_only)
    except duckdb.IOException as error:
        raise WarehouseUnavailable(f"cannot open {warehouse} ({error}); a pipeline run may "
                                   "hold it: try again when it ends") from None
    # a writer leaves the vacuum to the day's compacting dbt build (cdpkit/storage.py)
    return con if read_only else defer_vacuum(con)


def connect_or_say(command: str, path: str | Path,
                   read_only: bool = False) -> duckdb.DuckDBPyConnection | None:
    """`connect`, or None after telling stderr why under the command's name (`cdpkit X: ...`);
    the caller returns UNAVAILABLE."""
    try:
        return connect(path, read_only=read_only)
    except WarehouseUnavailable as error:
        print(f"{command}: {error}", file=sys.stderr)
        return None
