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

    python -m benchmarks storage --storage-warehouse FILE [--storage-hours 24]
"""

from __future__ import annotations

import os
import shutil
import statistics
import time
from pathlib import Path

import duckdb

#: the marts an incremental build rewrites most, with their keys
DEFAULT_TABLES = {"marts.fct_touchpoints": "touchpoint_key",
                  "marts.dim_customers": "golden_id"}


def bench_storage(warehouse: Path, root: Path, hours: int = 24,
                  tables: dict[str, str] | None = None, share_percent: float = 1.0) -> dict:
    """Both policies over `hours` rounds on fresh copies of `warehouse` in `root`."""
    tables = tables or DEFAULT_TABLES
    policies = {}
    for policy, deferred in (("vacuum_every_checkpoint", False), ("vacuum_deferred", True)):
        copy = root / "storage-bench" / warehouse.name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(warehouse, copy)
        os.sync()
        try:
            policies[policy] = run_day(copy, tables, hours, deferred, share_percent)
        finally:
            copy.unlink(missing_ok=True)
            Path(f"{copy}.wal").unlink(missing_ok=True)
    every, deferred = policies["vacuum_every_checkpoint"], policies["vacuum_deferred"]
    return {"bench": "storage", "warehouse": str(warehouse), "hours": hours,
            "share_percent": share_percent, "tables": list(tables),
            "day_checkpoint_ratio": round(deferred["day_checkpoint_seconds"]
                                          / every["day_checkpoint_seconds"], 3),
            **policies}


def run_day(warehouse: Path, tables: dict[str, str], hours: int, deferred: bool,
            share_percent: float) -> dict:
    """`hours` rounds, then the day's last, which vacuums under either policy."""
    with duckdb.connect(str(warehouse)) as connection:
        before = table_figures(connection, tables)
        if deferred:
            connection.execute("set global max_vacuum_tasks = 0")
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
