"""Terminal rendering for the CLI: the run summary and ad-hoc query results."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pandas as pd
from rich.console import Console
from rich.table import Table

# Piped output (logs, CI, `| less`) gets room for whole values instead of 80 columns.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 240)

EXAMPLE_QUERY = (
    "select golden_id, first_name, last_name, source_systems, order_count, net_revenue, "
    "email_consent_status from marts.dim_customers order by net_revenue desc limit 5"
)


def render_summary(*, warehouse: Path, run_id: str, success: bool, world: Path,
                   seconds: float, instance=None) -> int:
    """Print what the run did; return the process exit code."""
    from dagster import DagsterInstance

    from cdpkit.summary import summarise

    if not warehouse.exists():
        console.print("[red]the run failed before anything reached the warehouse[/red]")
        return 1
    try:
        summary = summarise(warehouse, instance or DagsterInstance.get(), run_id)
    except duckdb.CatalogException as error:
        console.print(f"[red]run incomplete: {error}[/red]")
        return 1
    table = Table(title="rows loaded per source and stream")
    for column in ("schema", "table", "rows"):
        table.add_column(column, justify="right" if column == "rows" else "left")
    for schema, name, rows in summary.rows_by_stream:
        table.add_row(schema, name, f"{rows:,}")
    console.print(table)
    console.print(f"golden customers:            {summary.golden_customers:,}")
    console.print(
        f"source records matched across systems: {summary.records_matched_across_systems:,}"
        f" of {summary.source_records:,} ({summary.share_matched:.1%})"
    )
    _print_truth_evaluation(warehouse, world)
    console.print(f"checks passed: {len(summary.checks_passed)}, "
                  f"failed: {len(summary.checks_failed)}")
    for name in summary.checks_failed:
        console.print(f"  [red]failed[/red] {name}")
    status = "succeeded" if success and not summary.checks_failed else "FAILED"
    console.print(f"run {run_id} {status} in {seconds:.1f}s")
    console.print(f"warehouse: {warehouse}")
    console.print(f"try:  .venv/bin/cdpkit sql \"{EXAMPLE_QUERY}\"", soft_wrap=True)
    return 0 if status == "succeeded" else 1


def _print_truth_evaluation(warehouse: Path, world: Path) -> None:
    """Sandbox only: score the crosswalk against the world's ground truth."""
    from identity.evaluate import pairwise_scores

    with duckdb.connect(str(warehouse), read_only=True) as con:
        crosswalk = con.execute("select source, source_id, golden_id from identity.crosswalk").df()
    truth = pd.read_json(world / "truth" / "records.jsonl", lines=True, dtype={"source_id": str})
    scores = pairwise_scores(crosswalk, truth)
    console.print(
        f"match quality vs sandbox ground truth: precision {scores.precision:.3f}, "
        f"recall {scores.recall:.3f} (pairwise, {scores.records:,} records)", soft_wrap=True
    )


def print_query(warehouse: Path, query: str, limit: int) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(query)
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchmany(limit)
    table = Table()
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    console.print(table)
    return 0


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, default=str)
    return str(value)


def announce_sync(source: str) -> None:
    console.print(f"  {source:<7} syncing ...")


def render_sync(outcomes) -> int:
    """Print each source as it finishes, then one table of streams, rows and cursors."""
    table = Table(title="sync summary")
    for column in ("source", "table", "rows", "next sync starts at"):
        table.add_column(column, justify="right" if column == "rows" else "left")
    total = 0
    drifted = []
    for outcome in outcomes:
        rows = sum(outcome.rows.values())
        total += rows
        console.print(f"  {outcome.source:<7} done: {rows:,} rows in {outcome.seconds:.1f}s")
        for name, count in sorted(outcome.quarantined.items()):
            console.print(f"  [yellow]{outcome.source:<7} {name}: {count:,} records with an "
                          f"empty primary key quarantined in raw_{outcome.source}.quarantine"
                          "[/yellow]")
        for name, count in sorted(getattr(outcome, "suppressed", {}).items()):
            console.print(f"  {outcome.source:<7} {name}: {count:,} rows of erased people "
                          "kept out (suppression list)")
        for name, count in sorted(outcome.rows.items()):
            table.add_row(outcome.source, name, f"{count:,}",
                          outcome.cursors.get(name, ""))
        if outcome.drift:
            drifted.append(outcome.drift)
    console.print(table)
    console.print(f"{total:,} rows received; merged on primary keys")
    for report in drifted:
        console.print(f"[yellow]schema drift in {report.source}:[/yellow]")
        for change in report.changes:
            console.print(f"  {change.describe()}", markup=False)
    return 0
