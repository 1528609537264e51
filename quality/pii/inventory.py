"""The scan's findings as a table in the warehouse (`governance.pii_inventory`) and as
Markdown for people: counts and kinds, never a value."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import duckdb

from quality.pii.scan import ColumnFinding, ScanReport

SCHEMA = "governance"
TABLE = f"{SCHEMA}.pii_inventory"
COLUMNS = ("table_schema", "table_name", "column_name", "declared_kind", "found_kinds",
           "sampled_values", "matching_values", "violation", "scanned_at")


def write_inventory(con: duckdb.DuckDBPyConnection, report: ScanReport) -> int:
    """Replace the inventory with this scan's findings; return their number."""
    scanned_at = datetime.now(UTC).replace(tzinfo=None)
    con.execute(f"create schema if not exists {SCHEMA}")
    con.execute(f"""create or replace table {TABLE} (
        table_schema varchar not null, table_name varchar not null,
        column_name varchar not null, declared_kind varchar, found_kinds varchar not null,
        sampled_values integer not null, matching_values integer not null,
        violation varchar, scanned_at timestamp not null)""")
    rows = [(f.schema, f.table, f.column, f.declared, ",".join(f.kinds), f.sampled,
             max(n for _, n in f.matches), f.violation, scanned_at) for f in report.findings]
    if rows:
        con.executemany(f"insert into {TABLE} values ({', '.join('?' * len(COLUMNS))})", rows)
    return len(rows)


def read_violations(con: duckdb.DuckDBPyConnection, violation: str) -> list[ColumnFinding]:
    """The inventory's findings of one violation; none when no scan has run yet."""
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = ? and table_name = 'pii_inventory'", [SCHEMA]).fetchone()[0]
    if not exists:
        return []
    rows = con.execute(
        f"select table_schema, table_name, column_name, sampled_values, found_kinds, "
        f"matching_values, declared_kind, violation from {TABLE} where violation = ? "
        f"order by 1, 2, 3", [violation]).fetchall()
    return [ColumnFinding(schema=r[0], table=r[1], column=r[2], sampled=r[3],
                          matches=tuple((kind, r[5]) for kind in r[4].split(",")),
                          declared=r[6], violation=r[7]) for r in rows]


def findings_table(findings: Sequence[ColumnFinding], limit: int = 200) -> str:
    """Markdown: where, what kind, how much of the sample; no values."""
    if not findings:
        return "none"
    lines = ["| schema | table | column | found | in sample | declared |",
             "| --- | --- | --- | --- | ---: | --- |"]
    for f in list(findings)[:limit]:
        share = max(n for _, n in f.matches) / f.sampled if f.sampled else 0
        lines.append(f"| {f.schema} | {f.table} | {f.column} | {', '.join(f.kinds)} "
                     f"| {share:.0%} | {f.declared or '—'} |")
    if len(findings) > limit:
        lines.append(f"| … | {len(findings) - limit} more | | | | |")
    return "\n".join(lines)
