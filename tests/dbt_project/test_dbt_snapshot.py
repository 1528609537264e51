"""The SCD2 history of dim_customers (snapshots/dim_customers_history.yml): a change to a
customer's profile closes the old version and opens a new one; a run that changes
nothing adds no version; a customer gone from dim_customers has its version closed. A
build compares only the customers dim_customers rewrote (`row_changed_at`)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dbt_harness import failures, invoke_dbt
from dbt_raw_world import build_raw_warehouse

# the metrics' clock, fixed: a build after midnight would otherwise rewrite every row
AS_OF = {"CDP_METRICS_AS_OF": "2025-08-02 00:00:00"}


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> dict[str, list[tuple]]:
    """The history after three builds: as loaded, unchanged, then Anna moved to
    Potsdam and Dave's profile gone, and Carla's row edited by hand where no build
    rewrote it."""
    work_dir = tmp_path_factory.mktemp("dbt_snapshot")
    warehouse = work_dir / "cdp.duckdb"
    build_raw_warehouse(str(warehouse))
    versions = {}
    for step in ("first", "unchanged", "changed"):
        if step == "changed":
            with duckdb.connect(str(warehouse)) as connection:
                # identity stamps a profile it rewrites with the run's resolved_at
                connection.execute("update identity.golden_profiles set city = 'Potsdam', "
                                   "resolved_at = '2025-07-01T00:00:00Z' "
                                   "where golden_id = 'gc-anna'")
                connection.execute("delete from identity.golden_profiles "
                                   "where golden_id = 'gc-dave'")
                # no build rewrites Carla's row: the snapshot must not even read it
                connection.execute("update marts.dim_customers set city = 'By hand' "
                                   "where golden_id = 'gc-carla'")
        result = invoke_dbt(["build", "--exclude", "test_type:data"], work_dir=work_dir,
                            warehouse=warehouse, environment=AS_OF)
        assert result.success, failures(result)
        versions[step] = rows(warehouse)
    # dbt's log holds every statement of the three builds
    versions["statements"] = (work_dir / "logs" / "dbt.log").read_text()
    with duckdb.connect(str(warehouse)) as connection:
        versions["carla_now"] = connection.execute(
            "select city from marts.dim_customers where golden_id = 'gc-carla'").fetchall()
    return versions


def rows(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse)) as connection:
        return connection.execute("""
            select golden_id, city, dbt_valid_to is null as is_current
            from snapshots.dim_customers_history
            order by golden_id, dbt_valid_from""").fetchall()


def test_the_first_build_holds_one_current_version_per_customer(history):
    first = history["first"]
    assert len(first) == 5 and all(current for _, _, current in first)


def test_a_build_that_changes_nothing_adds_no_version(history):
    assert history["unchanged"] == history["first"]


def test_a_change_closes_the_old_version_and_a_gone_customer_is_closed(history):
    changed = history["changed"]
    anna = [row for row in changed if row[0] == "gc-anna"]
    assert anna == [("gc-anna", "Berlin", False), ("gc-anna", "Potsdam", True)]
    assert [row for row in changed if row[0] == "gc-dave"] == [("gc-dave", None, False)]
    others = [row for row in changed if row[0] not in ("gc-anna", "gc-dave")]
    assert others == [row for row in history["first"] if row[0] not in ("gc-anna", "gc-dave")]


def test_a_row_no_build_rewrote_is_not_compared(history):
    assert history["carla_now"] == [("By hand",)]
    carla = [row for row in history["changed"] if row[0] == "gc-carla"]
    assert carla == [row for row in history["first"] if row[0] == "gc-carla"]
    assert all(city != "By hand" for _, city, _ in history["changed"])


def test_the_comparison_reads_only_the_current_versions_of_the_rewritten_customers(history):
    # dbt's staging query would copy every current version to compare a few
    # (macros/snapshot_current_versions.sql); with `hard_deletes: ignore` it reads those
    # of the keys the snapshot query returned, and the versions above are unchanged
    assert ('from "cdp"."snapshots"."dim_customers_history"\n'
            '            where golden_id in (select golden_id from snapshot_query)'
            in history["statements"])
