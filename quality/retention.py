"""Retention: personal data kept no longer than a rule allows (GDPR Art. 5(1)(e)).

A rule names a table, the column that dates each row and how many days rows are
kept; applying it deletes the older rows, from the table and from dlt's staging
copy of it (`<dataset>_staging.<table>`, which holds the last load's rows), then
counts what is left past the cutoff: the proof, recorded with the rule in
`governance.retention_runs`. Rules are data: the defaults below, or a YAML file.

    rules:
      - table: raw_email.email_activity
        column: timestamp
        days: 730
        reason: email engagement older than two years is not needed for marketing
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import yaml

AUDIT_TABLE = "governance.retention_runs"
DLT_STAGING_SUFFIX = "_staging"


@dataclass(frozen=True)
class RetentionRule:
    table: str          # schema.table
    column: str         # the timestamp that dates a row
    days: int
    reason: str = ""
    where: str | None = None   # narrows the rule, e.g. "channel = 'email'"

    def __post_init__(self) -> None:
        if self.table.count(".") != 1:
            raise ValueError(f"retention rule table {self.table!r}: write it as schema.table")
        if self.days < 1:
            raise ValueError(f"retention rule for {self.table}: days must be at least 1")


# Email engagement and the journey built from it; orders and invoices stay (tax law
# keeps them for years) and are not covered by default.
DEFAULT_RULES = (
    RetentionRule("raw_email.email_activity", "timestamp", 730,
                  "email engagement older than two years is not needed for marketing"),
    RetentionRule("intermediate.int_touchpoints_unioned", "occurred_at", 730,
                  "the journey's email events follow the raw email activity",
                  where="source = 'email'"),
    RetentionRule("marts.fct_touchpoints", "occurred_at", 730,
                  "the journey's email events follow the raw email activity",
                  where="channel = 'email'"),
)


@dataclass(frozen=True)
class RetentionOutcome:
    run_id: str
    rule: RetentionRule
    table: str          # the table the rows were deleted from (the rule's or its staging copy)
    cutoff: datetime
    rows_deleted: int
    rows_left_past_cutoff: int


def load_rules(path: Path | None) -> tuple[RetentionRule, ...]:
    """The rules of a YAML file (see the module docstring), or the defaults."""
    if path is None:
        return DEFAULT_RULES
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    try:
        return tuple(RetentionRule(**rule) for rule in data.get("rules", []))
    except TypeError as error:
        raise ValueError(f"{path}: a rule takes table, column, days, reason and where: "
                         f"{error}") from None


def apply_retention(con: duckdb.DuckDBPyConnection, rules: Sequence[RetentionRule],
                    now: datetime | None = None) -> list[RetentionOutcome]:
    """Delete what the rules no longer allow, verify, and record it; tables that do not
    exist (a source not synced yet) are skipped."""
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    run_id = uuid.uuid4().hex
    # timestamptz columns compare in UTC, whatever the machine's zone
    con.execute("set TimeZone = 'UTC'")
    outcomes = []
    for rule in rules:
        schema, table = rule.table.split(".")
        cutoff = now - timedelta(days=rule.days)
        for target in (f"{schema}.{table}", f"{schema}{DLT_STAGING_SUFFIX}.{table}"):
            if not _exists(con, target):
                continue
            expired = (f"cast({_quote(rule.column)} as timestamp) < ?"
                       + (f" and ({rule.where})" if rule.where else ""))
            deleted = con.execute(f"delete from {target} where {expired}", [cutoff]).fetchone()[0]
            left = con.execute(f"select count(*) from {target} where {expired}",
                               [cutoff]).fetchone()[0]
            outcomes.append(RetentionOutcome(run_id, rule, target, cutoff, int(deleted),
                                             int(left)))
    _record(con, outcomes, now)
    return outcomes


def _exists(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, table = qualified.split(".")
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_schema = ? "
        "and table_name = ?", [schema, table]).fetchone()[0])


def _quote(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _record(con: duckdb.DuckDBPyConnection, outcomes: list[RetentionOutcome],
            ran_at: datetime) -> None:
    con.execute("create schema if not exists governance")
    con.execute(f"""create table if not exists {AUDIT_TABLE} (
        run_id varchar not null, ran_at timestamp not null, table_name varchar not null,
        rule_table varchar not null, date_column varchar not null, keep_days integer not null,
        rule_filter varchar, reason varchar, cutoff timestamp not null,
        rows_deleted bigint not null, rows_left_past_cutoff bigint not null)""")
    for o in outcomes:
        con.execute(f"insert into {AUDIT_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            o.run_id, ran_at, o.table, o.rule.table, o.rule.column, o.rule.days,
            o.rule.where, o.rule.reason, o.cutoff, o.rows_deleted, o.rows_left_past_cutoff])
