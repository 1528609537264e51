"""A day of hourly builds on DuckDB's storage: the vacuum at every checkpoint against
the vacuum deferred to one build a day (dbt_project/macros/storage_compaction.sql).

An incremental dbt build deletes and re-inserts the rows it rebuilds. This bench
repeats that on copies of a warehouse: each "hour" deletes 1% of the rows of each
table, spread over it, and inserts them again, then checkpoints (dbt's commit or
close does). Once with DuckDB's vacuum on at every checkpoint, once with it off for
the hours and on for the day's last one, which compacts what the others left. It
reports the checkpoints' time (each hour's and the day's total), the deleted rows
still stored, the tables' row groups, and a full scan of each table before and after,
so the cost of the deferral to readers shows beside its saving to writers.

A checkpoint vacuums every sparse table, not only those its process wrote, so it also
times the next writer after one deferred round: a process that appends one row to
another table and closes, with DuckDB's default vacuum and deferring it as every cdpkit
writer does (cdpkit/storage.py); the first pays for what the build left.

    python -m benchmarks storage --storage-warehouse FILE [--storage-hours 24]
"""

from __future__ import annotations

import os
import shutil
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from cdpkit.storage import defer_vacuum

#: the marts an incremental build rewrites most, with their keys
DEFAULT_TABLES = {"marts.fct_touchpoints": "touchpoint_key",
                  "marts.dim_customers": "golden_id"}


def bench_storage(warehouse: Path, root: Path, hours: int = 24,
                  tables: dict[str, str] | None = None, share_percent: float = 1.0) -> dict:
    """Both policies over `hours` rounds on fresh copies of `warehouse` in `root`."""
    tables = tables or DEFAULT_TABLES
    work = root / "storage-bench"
    policies = {}
    for policy, deferred in (("vacuum_every_checkpoint", False), ("vacuum_deferred", True)):
        with working_copy(warehouse, work) as copy:
            policies[policy] = run_day(copy, tables, hours, deferred, share_percent)
    every, deferred = policies["vacuum_every_checkpoint"], policies["vacuum_deferred"]
    return {"bench": "storage", "warehouse": str(warehouse), "hours": hours,
            "share_percent": share_percent, "tables": list(tables),
            "day_checkpoint_ratio": round(deferred["day_checkpoint_seconds"]
                                          / every["day_checkpoint_seconds"], 3),
            **policies,
            "next_writer_close": next_writer_close(warehouse, work, tables, share_percent)}


@contextmanager
def working_copy(warehouse: Path, directory: Path) -> Iterator[Path]:
    """A copy of `warehouse` in `directory`, under its own name (the database name its
    SQL carries), synced to disk first (so that the timed checkpoints do not also write
    out the copy), removed afterwards."""
    copy = directory / warehouse.name
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(warehouse, copy)
    os.sync()
    try:
        yield copy
    finally:
        copy.unlink(missing_ok=True)
        Path(f"{copy}.wal").unlink(missing_ok=True)


def next_writer_close(warehouse: Path, work: Path, tables: dict[str, str],
                      share_percent: float) -> dict:
    """One round with the vacuum deferred (an hourly build), then, on a copy each, the
    seconds another process takes to append one row to a table of its own and close,
    and the bench's tables after it: with DuckDB's default vacuum, and deferring it
    (`cdpkit.storage.defer_vacuum`)."""
    with working_copy(warehouse, work) as built:
        with duckdb.connect(str(built)) as connection:
            defer_vacuum(connection)
            rewrite_share(connection, tables, 0, share_percent)
        closes = {}
        for policy, prepare in NEXT_WRITERS:
            with working_copy(built, work / policy) as copy:
                closed = writer_close_seconds(copy, prepare)
                with duckdb.connect(str(copy), read_only=True) as reader:
                    closes[policy] = {"close_seconds": closed,
                                      "tables_after": table_figures(reader, tables)}
    return closes


#: the next writer's two policies: DuckDB's default vacuum, and cdpkit's
NEXT_WRITERS = (("vacuum_on", lambda connection: connection),
                ("vacuum_deferred", defer_vacuum))


def writer_close_seconds(warehouse: Path, prepare) -> float:
    """Open `warehouse`, `prepare` the connection, append one row to a table of its
    own, and return the seconds its close (the checkpoint) takes."""
    connection = prepare(duckdb.connect(str(warehouse)))
    connection.execute("create table if not exists main.bench_writer_log (note text)")
    connection.execute("insert into main.bench_writer_log values ('one row')")
    started = time.perf_counter()
    connection.close()
    return round(time.perf_counter() - started, 3)


def run_day(warehouse: Path, tables: dict[str, str], hours: int, deferred: bool,
            share_percent: float) -> dict:
    """`hours` rounds, then the day's last, which vacuums under either policy."""
    with duckdb.connect(str(warehouse)) as connection:
        before = table_figures(connection, tables)
        if deferred:
            defer_vacuum(connection)
        hourly = [rewrite_share(connection, tables, seed, share_percent)
                  for seed in range(hours)]
        stored_before_compaction = table_figures(connection, tables)
        connection.execute("reset global max_vacuum_tasks")
        compacting = rewrite_share(connection, tables, hours, share_percent)
        after = table_figures(connection, tables)
    return {"hour_checkpoint_median": round(statistics.median(hourly), 3),
            "hour_checkpoint_max": round(max(hourly), 3),
            "compacting_checkpoint": round(compacting, 3),
            "day_checkpoint_seconds": round(sum(hourly) + compacting, 2),
            "tables_before": before, "tables_before_compaction": stored_before_compaction,
            "tables_after": after}


def rewrite_share(connection: duckdb.DuckDBPyConnection, tables: dict[str, str],
                  seed: int, share_percent: float) -> float:
    """Delete `share_percent` of each table's rows and insert them again, as a
    delete+insert build does; returns the checkpoint's seconds."""
    for table, key in tables.items():
        connection.execute(
            f"create or replace temp table rebuilt as select * from {table} "
            f"using sample {share_percent} percent (bernoulli, {seed})")
        connection.execute(f"delete from {table} where {key} in (select {key} from rebuilt)")
        connection.execute(f"insert into {table} select * from rebuilt")
    started = time.perf_counter()
    connection.execute("checkpoint")
    return time.perf_counter() - started


def table_figures(connection: duckdb.DuckDBPyConnection, tables: dict[str, str]) -> dict:
    """Per table: live rows, rows stored (deleted ones included), row groups, and the
    median of three full scans (a count and a sum over every row)."""
    figures = {}
    for table, key in tables.items():
        [(row_groups, stored)] = connection.execute(
            f"select count(distinct row_group_id), "
            f"sum(count) filter (where column_name = '{key}' and segment_type <> 'VALIDITY') "
            f"from pragma_storage_info('{table}')").fetchall()
        [(rows,)] = connection.execute(f"select count(*) from {table}").fetchall()
        scans = []
        for _ in range(3):
            started = time.perf_counter()
            connection.execute(f"select count(distinct {key}) from {table}").fetchall()
            scans.append(time.perf_counter() - started)
        figures[table] = {"rows": rows, "deleted_rows_stored": int(stored) - rows,
                          "row_groups": row_groups,
                          "scan_ms": round(statistics.median(scans) * 1000, 1)}
    return figures
