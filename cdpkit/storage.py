"""One vacuum policy for every process that writes the DuckDB warehouse.

DuckDB merges the row groups that deletes left sparse (its vacuum) when it checkpoints,
and it does so for every table that has them, not only for those the checkpointing
process wrote: a process that appends one log row pays at its close for compacting
what every deferring writer before it left (`python -m benchmarks dbt-incremental`:
11.33 s, against 0.043 s deferring, on the million-person warehouse after three
pipeline runs and an hourly build). dbt's builds defer the vacuum to one build a day
(dbt_project/macros/storage_compaction.sql); unless every other writer defers it too,
the cost only moves to the next one: the pipeline step after dbt, every hour.

So each cdpkit writer (the Dagster warehouse resource, the CLI, dlt's loads) turns the
vacuum off for its process, and the day's compacting dbt build turns it back on: its
checkpoints then compact every table, the raw tables dlt merges into and identity's
among them. Readers change nothing and need nothing.
"""

from __future__ import annotations

import duckdb

#: DuckDB's global settings of a writer: no vacuum at its checkpoints (dlt's
#: `DuckDbCredentials(global_config=...)` applies them as `SET GLOBAL`)
DEFERRED_VACUUM = {"max_vacuum_tasks": 0}


def defer_vacuum(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """`con` with the vacuum off for its whole DuckDB instance (the setting is global:
    another connection of the process to the same file shares it)."""
    for name, value in DEFERRED_VACUUM.items():
        con.execute(f"set global {name} = {value}")
    return con
