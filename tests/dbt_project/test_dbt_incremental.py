"""fct_touchpoints builds incrementally: a later load adds its touchpoints, a re-resolved
person's touchpoints move to their new golden id, and the result equals a full rebuild."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dbt_harness import failures, invoke_dbt
from dbt_raw_world import ANNA, build_raw_warehouse

# a sync after every load and deletion the raw fixture holds (2025-08-01)
LATER_LOAD = "'1754006400.5'"
BEN_X = "2000000000000000002"
COLUMNS = ("touchpoint_key, golden_id, channel, touchpoint_type, occurred_at, "
           "reference_id, amount_reporting")


def touchpoints(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse)) as connection:
        return connection.execute(
            f"select {COLUMNS} from marts.fct_touchpoints order by touchpoint_key").fetchall()


def build(work_dir: Path, warehouse: Path, *flags: str) -> None:
    result = invoke_dbt(["build", *flags],
                        work_dir=work_dir, warehouse=warehouse)
    assert result.success, failures(result)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, list[tuple]]:
    work_dir = tmp_path_factory.mktemp("dbt_incremental")
    warehouse = work_dir / "cdp.duckdb"
    build_raw_warehouse(str(warehouse))
    seen = {}
    build(work_dir, warehouse)
    seen["first"] = touchpoints(warehouse)
    build(work_dir, warehouse)
    seen["again"] = touchpoints(warehouse)
    with duckdb.connect(str(warehouse)) as connection:
        # a mark on a row no later load touches: an incremental build leaves it, a
        # full rebuild does not (proof the build is incremental, not a rebuild)
        connection.execute("update marts.fct_touchpoints set source_record_id = 'marked' "
                            "where touchpoint_type = 'invoice'")
        # a later sync brings Anna's open of the campaign she had only been sent
        connection.execute(f"""
            insert into raw_email.email_activity values
            ('c0ffee1234', '{ANNA}', 'anna.schmidt@example.com', 'open',
             '2025-01-03T08:00:00+00:00', null, null, {LATER_LOAD}, 'e9')""")
        # and a later identity run splits Ben's X profile off into a customer of its own
        connection.execute(f"""
            update identity.crosswalk set golden_id = 'gc-ben-x',
                resolved_at = '2025-07-01T00:00:00Z'
            where source = 'social' and source_id = '{BEN_X}'""")
        connection.execute("""
            insert into identity.golden_profiles (golden_id, source_systems, member_count,
                                                  resolved_at)
            values ('gc-ben-x', 'social', 1, '2025-07-01T00:00:00Z')""")
    build(work_dir, warehouse)
    seen["incremental"] = touchpoints(warehouse)
    seen["marked_after_incremental"] = marked(warehouse)
    build(work_dir, warehouse, "--full-refresh")
    seen["full"] = touchpoints(warehouse)
    seen["marked_after_full"] = marked(warehouse)
    return seen


def marked(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse)) as connection:
        return connection.execute("select touchpoint_type from marts.fct_touchpoints "
                                  "where source_record_id = 'marked'").fetchall()


def test_a_build_with_nothing_new_changes_nothing(runs):
    assert runs["again"] == runs["first"]


def test_rows_no_load_touched_are_left_alone_until_a_full_refresh(runs):
    assert runs["marked_after_incremental"] == [("invoice",)]
    assert runs["marked_after_full"] == []


def test_a_later_load_adds_its_touchpoints(runs):
    added = set(runs["incremental"]) - set(runs["first"])
    opens = [row for row in added if row[3] == "email_open"]
    assert len(opens) == 1 and opens[0][1] == "gc-anna"


def test_a_re_resolved_person_moves_to_the_new_golden_id(runs):
    ben_x = [row for row in runs["incremental"] if row[2] == "social"]
    assert ben_x and all(row[1] == "gc-ben-x" for row in ben_x)
    assert all(row[1] == "gc-ben" for row in runs["first"] if row[2] == "social")


def test_the_incremental_result_equals_a_full_rebuild(runs):
    assert runs["incremental"] == runs["full"]
    assert len(runs["full"]) == len(runs["first"]) + 1
