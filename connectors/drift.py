"""Schema drift: what a load changed in a source's raw tables, reported rather than silent.

dlt evolves the schema by itself: a field the source starts sending becomes a
new column (or a new nested table), and a value that no longer fits its
column's type goes to a variant column `<column>__v_<type>` instead of
failing the load. Both keep the load running; neither should go unnoticed.
Take a `snapshot` of the pipeline's schema before a load and call `detect`
after it: the report names tables, columns and types, never values.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

#: table -> column -> data type, as the pipeline's schema holds them
Snapshot = dict[str, dict[str, str | None]]


@dataclass(frozen=True)
class Change:
    """One schema change: `kind` is new_table, new_column or type_change."""

    table: str
    column: str
    kind: str
    data_type: str | None = None
    was: str | None = None

    def describe(self) -> str:
        if self.kind == "type_change":
            return f"{self.table}.{self.column}: {self.was} values now also {self.data_type}"
        if self.kind == "new_table":
            return f"{self.table}: new table"
        return f"{self.table}.{self.column}: new column ({self.data_type})"


@dataclass
class DriftReport:
    """The schema changes one load made to a source's raw tables."""

    source: str
    changes: list[Change] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def of_kind(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    def markdown(self) -> str:
        """A table for Dagster metadata; `none` when nothing drifted."""
        if not self.changes:
            return "none"
        lines = ["| table | column | change | type | was |", "|---|---|---|---|---|"]
        lines += [f"| {c.table} | {c.column} | {c.kind} | {c.data_type or ''} | {c.was or ''} |"
                  for c in self.changes]
        return "\n".join(lines)


def snapshot(pipeline: Any) -> Snapshot:
    """The data tables and column types of the pipeline's schema now (empty before a first load)."""
    return {
        table["name"]: {name: col.get("data_type") for name, col in table["columns"].items()}
        for table in _tables(pipeline)
    }


def detect(pipeline: Any, before: Snapshot, source: str) -> DriftReport:
    """Compare the schema after a load with `before`; log each change as a WARNING."""
    report = DriftReport(source)
    after = snapshot(pipeline)
    variants, parents = _variant_columns(pipeline), _parents(pipeline)
    for table, columns in after.items():
        known = before.get(table)
        if known is None and parents.get(table) in before:
            # a nested list the parent never carried before (a new stream is not drift)
            report.changes.append(Change(table, "", "new_table"))
        for name, data_type in columns.items():
            if known is not None and name in known:
                continue
            if (table, name) in variants:
                base = variants[(table, name)]
                was = (before.get(table) or after[table]).get(base)
                report.changes.append(Change(table, base, "type_change", data_type, was))
            elif known is not None and not name.startswith("_dlt"):
                report.changes.append(Change(table, name, "new_column", data_type))
    for change in report.changes:
        logger.warning("schema drift in source %s: %s", source, change.describe())
    return report


def _variant_columns(pipeline: Any) -> dict[tuple[str, str], str]:
    """(table, variant column) -> the column whose type it stands in for."""
    out = {}
    for table in _tables(pipeline):
        for name, col in table["columns"].items():
            if col.get("variant"):
                # `<column>__v_<type>`, or `<column>▶v_<type>` under the direct naming
                separator = pipeline.default_schema.naming.PATH_SEPARATOR
                out[(table["name"], name)] = name.rsplit(f"{separator}v_", 1)[0]
    return out


def _parents(pipeline: Any) -> dict[str, str]:
    """Nested table -> its parent table."""
    return {t["name"]: t["parent"] for t in _tables(pipeline) if t.get("parent")}


def _tables(pipeline: Any) -> list[dict[str, Any]]:
    return pipeline.default_schema.data_tables() if pipeline.default_schema_name else []
