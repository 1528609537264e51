"""Retention on a real DuckDB warehouse: rows past a rule's cutoff go, from the table and
from dlt's staging copy, nothing else does, and each run leaves its proof."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pytest

from quality.retention import DEFAULT_RULES, RetentionRule, apply_retention, load_rules

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "cdp.duckdb"))
    for schema in ("raw_email", "raw_email_staging"):
        con.execute(f"create schema {schema}")
        con.execute(f'create table {schema}.email_activity (email_id varchar, '
                    f'"timestamp" timestamptz)')
        con.execute(f"insert into {schema}.email_activity values "
                    "('old', '2024-12-04 11:59:00+00'), ('edge', '2024-12-05 12:00:00+00'), "
                    "('new', '2026-12-01 00:00:00+00')")
    con.execute("create schema intermediate")
    con.execute("create table intermediate.int_touchpoints_unioned (touchpoint_key varchar, "
                "source varchar, occurred_at timestamp)")
    con.execute("insert into intermediate.int_touchpoints_unioned values "
                "('e-old', 'email', '2020-01-01'), ('i-old', 'erp', '2020-01-01'), "
                "('e-new', 'email', '2026-11-30')")
    con.execute("create schema marts")
    con.execute("create table marts.fct_touchpoints (touchpoint_key varchar, channel varchar, "
                "occurred_at timestamp)")
    con.execute("insert into marts.fct_touchpoints values "
                "('e-old', 'email', '2020-01-01'), ('o-old', 'order', '2020-01-01'), "
                "('e-new', 'email', '2026-11-30')")
    yield con
    con.close()


def test_rows_past_the_cutoff_go_and_the_rest_stay(con):
    outcomes = apply_retention(con, DEFAULT_RULES, now=NOW)
    assert con.execute("select email_id from raw_email.email_activity order by 1").fetchall() \
        == [("edge",), ("new",)]
    assert con.execute("select email_id from raw_email_staging.email_activity order by 1"
                       ).fetchall() == [("edge",), ("new",)]
    # the rules' filters keep orders and invoices, whatever their age
    assert con.execute("select touchpoint_key from intermediate.int_touchpoints_unioned "
                       "order by 1").fetchall() == [("e-new",), ("i-old",)]
    assert con.execute("select touchpoint_key from marts.fct_touchpoints order by 1").fetchall() \
        == [("e-new",), ("o-old",)]
    assert [(o.table, o.rows_deleted, o.rows_left_past_cutoff) for o in outcomes] == [
        ("raw_email.email_activity", 1, 0), ("raw_email_staging.email_activity", 1, 0),
        ("intermediate.int_touchpoints_unioned", 1, 0), ("marts.fct_touchpoints", 1, 0)]


def test_each_run_is_recorded_with_its_proof(con):
    apply_retention(con, DEFAULT_RULES, now=NOW)
    apply_retention(con, DEFAULT_RULES, now=NOW)
    runs = con.execute("select run_id, table_name, keep_days, cutoff, rows_deleted, "
                       "rows_left_past_cutoff from governance.retention_runs "
                       "order by ran_at, table_name").fetchall()
    deleted_per_run: dict[str, int] = {}
    for run in runs:
        deleted_per_run[run[0]] = deleted_per_run.get(run[0], 0) + run[4]
    assert sorted(deleted_per_run.values()) == [0, 4]
    assert len(runs) == 8
    assert all(run[5] == 0 and run[2] == 730 for run in runs)
    assert runs[0][3] == datetime(2024, 12, 5, 12, 0)


def test_a_table_not_loaded_yet_is_skipped(con):
    rule = RetentionRule("raw_shop.orders", "created_at", 30)
    assert apply_retention(con, [rule], now=NOW) == []


def test_rules_come_from_yaml_and_bad_ones_say_why(tmp_path):
    path = tmp_path / "retention.yml"
    path.write_text("rules:\n  - table: raw_social.dm_events\n    column: created_at\n"
                    "    days: 365\n    reason: support chats\n", encoding="utf-8")
    assert load_rules(path) == (RetentionRule("raw_social.dm_events", "created_at", 365,
                                              "support chats"),)
    assert load_rules(None) == DEFAULT_RULES
    path.write_text("rules:\n  - table: dm_events\n    column: created_at\n    days: 5\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match="schema.table"):
        load_rules(path)
    path.write_text("rules:\n  - table: a.b\n    column: c\n    days: 5\n    keep: x\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match="takes table, column, days"):
        load_rules(path)
