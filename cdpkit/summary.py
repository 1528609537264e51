"""What a run produced, read back from the warehouse and the run's events."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from dagster import DagsterEventType, DagsterInstance


@dataclass
class RunSummary:
    rows_by_stream: list[tuple[str, str, int]]
    golden_customers: int
    source_records: int
    records_matched_across_systems: int
    checks_passed: list[str] = field(default_factory=list)
    checks_failed: list[str] = field(default_factory=list)

    @property
    def share_matched(self) -> float:
        return self.records_matched_across_systems / self.source_records if self.source_records \
            else 0.0


def raw_row_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int]]:
    """(schema, table, rows) for every raw table dlt loaded, its own bookkeeping excluded."""
    tables = con.execute("""
        select table_schema, table_name from information_schema.tables
        where table_schema like 'raw\\_%' escape '\\'
          and table_schema not like '%\\_staging' escape '\\'
          and table_name not like '\\_dlt%' escape '\\'
        order by 1, 2
    """).fetchall()
    return [(s, t, con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0])
            for s, t in tables]


def summarise(warehouse: Path, instance: DagsterInstance, run_id: str) -> RunSummary:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = raw_row_counts(con)
        golden = con.execute("select count(*) from marts.dim_customers").fetchone()[0]
        records, matched = con.execute("""
            select count(*),
                   count(*) filter (where g.source_systems like '%,%')
            from identity.crosswalk c join identity.golden_profiles g using (golden_id)
        """).fetchone()
    summary = RunSummary(rows, golden, records, matched)
    for record in instance.get_records_for_run(
        run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
    ).records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        (summary.checks_passed if evaluation.passed else summary.checks_failed).append(name)
    return summary
