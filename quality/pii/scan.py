"""Sample every text column of the warehouse and find personal data where it should
not be: in a column nobody declared as personal, or anywhere in a masked schema
(`bi`, the one a BI tool is given on its own).

A scan reads a sample of each table (a seeded reservoir of `sample_rows` rows;
views, which may be expensive to compute whole, their first rows) and never keeps
or reports a value: findings carry counts only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb

from quality.pii.catalog import PiiCatalog
from quality.pii.patterns import kinds_in

MASKED_SCHEMAS = ("bi",)
SKIPPED_SCHEMAS = ("information_schema", "pg_catalog")
TEXT_TYPES = ("VARCHAR", "JSON")
UNTAGGED = "untagged"
UNMASKED = "unmasked"


@dataclass(frozen=True)
class ColumnFinding:
    """Personal data found in one column: how much, what kind, and whether it may be there."""

    schema: str
    table: str
    column: str
    sampled: int
    matches: tuple[tuple[str, int], ...]
    declared: str | None
    violation: str | None

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(kind for kind, _ in self.matches)


@dataclass(frozen=True)
class ScanReport:
    tables: int
    columns: int
    findings: tuple[ColumnFinding, ...]

    @property
    def violations(self) -> tuple[ColumnFinding, ...]:
        return tuple(f for f in self.findings if f.violation)

    def in_schemas(self, schemas: Iterable[str]) -> tuple[ColumnFinding, ...]:
        wanted = {s.lower() for s in schemas}
        return tuple(f for f in self.violations if f.schema.lower() in wanted)


def scan_warehouse(con: duckdb.DuckDBPyConnection, catalog: PiiCatalog, *,
                   sample_rows: int = 1000, min_share: float = 0.01,
                   masked_schemas: Sequence[str] = MASKED_SCHEMAS,
                   schemas: Sequence[str] | None = None) -> ScanReport:
    """Scan every table and view of the warehouse (or of `schemas`).

    A column holds a kind of personal data when at least `min_share` of its sampled
    values (and at least one) look like it: one hex id in a thousand that happens to
    read as a phone number is not a phone column.
    """
    columns = _text_columns(con, schemas)
    findings: list[ColumnFinding] = []
    masked = {s.lower() for s in masked_schemas}
    for (schema, table, table_type), names in columns.items():
        values = _sample(con, schema, table, names, table_type == "VIEW", sample_rows)
        for name, sample in zip(names, values, strict=True):
            counts: Counter[str] = Counter()
            for value, times in Counter(sample).items():
                for kind in kinds_in(value):
                    counts[kind] += times
            floor = max(1, min_share * len(sample))
            counts = Counter({kind: n for kind, n in counts.items() if n >= floor})
            if not counts:
                continue
            declared = catalog.kind_of(schema, table, name)
            violation = (UNMASKED if schema.lower() in masked
                         else None if declared else UNTAGGED)
            findings.append(ColumnFinding(
                schema=schema, table=table, column=name, sampled=len(sample),
                matches=tuple(sorted(counts.items())), declared=declared,
                violation=violation))
    return ScanReport(tables=len(columns), columns=sum(map(len, columns.values())),
                      findings=tuple(findings))


def _text_columns(con: duckdb.DuckDBPyConnection, schemas: Sequence[str] | None
                  ) -> dict[tuple[str, str, str], list[str]]:
    rows = con.execute(
        """
        select c.table_schema, c.table_name, t.table_type, c.column_name, c.data_type
        from information_schema.columns c
        join information_schema.tables t
            on t.table_catalog = c.table_catalog
            and t.table_schema = c.table_schema
            and t.table_name = c.table_name
        where c.table_catalog = current_database()
        order by c.table_schema, c.table_name, c.ordinal_position
        """
    ).fetchall()
    wanted = {s.lower() for s in schemas} if schemas else None
    out: dict[tuple[str, str, str], list[str]] = {}
    for schema, table, table_type, column, data_type in rows:
        if schema.lower() in SKIPPED_SCHEMAS or (wanted and schema.lower() not in wanted):
            continue
        if data_type.upper() in TEXT_TYPES:
            out.setdefault((schema, table, table_type), []).append(column)
    return out


def _sample(con: duckdb.DuckDBPyConnection, schema: str, table: str, names: list[str],
            is_view: bool, rows: int) -> list[list[str]]:
    quoted = ", ".join(f'cast("{n}" as varchar)' for n in names)
    relation = f'"{schema}"."{table}"'
    sampling = (f"limit {rows}" if is_view
                else f"using sample reservoir({rows} rows) repeatable (7)")
    data = con.execute(f"select {quoted} from {relation} {sampling}").fetchall()
    return [[row[i] for row in data if row[i] is not None] for i in range(len(names))]
