"""The whole-pipeline bench on a small world: the full run, then the run after 1% of the
world changed, both through Dagster, both succeed and report every step."""

from __future__ import annotations

from pathlib import Path

import duckdb

from benchmarks.__main__ import PIPELINE_RUNS, bench_pipeline
from benchmarks.dbt_incremental import bench_dbt_incremental


def test_pipeline_bench_runs_full_then_after_a_change(tmp_path, monkeypatch):
    # the smallest world whose 1% change still brings a new person (half the change)
    monkeypatch.setenv("CDP_STATE_DIR", str(tmp_path / "state"))
    # (the bench's third run, with nothing changed, repeats the second's code path)
    result = bench_pipeline(200, tmp_path, labels=PIPELINE_RUNS[:2])
    full, changed = result["runs"]
    assert full["success"] and changed["success"]
    for run in (full, changed):
        assert {"sync_shop", "resolve_identities", "dbt_after_identity"} <= set(run["steps"])
        # dbt's own time, read from the run_results of this run's two dbt steps
        assert set(run["dbt_seconds"]) == {"dbt_before_identity", "dbt_after_identity"}
        assert all(seconds > 0 for seconds in run["dbt_seconds"].values())
        # and which of their nodes took longest, the slowest first
        assert set(run["dbt_slowest_nodes"]) == set(run["dbt_seconds"])
        for nodes in run["dbt_slowest_nodes"].values():
            assert 0 < len(nodes) <= 12
            assert list(nodes.values()) == sorted(nodes.values(), reverse=True)
    assert result["incremental_ratio"] > 0 and result["dbt_incremental_ratio"] > 0
    # identity ran on both: the change's new person got a golden id of their own
    runs, touchpoints = warehouse_figures(
        tmp_path / "cdp-200.duckdb", "select count(*) from marts.fct_touchpoints")
    assert runs == 2 and touchpoints > 0
    # the dbt-incremental bench takes that kept directory on: another change, the
    # pipeline up to dbt's build after identity, then that build from the CLI on a copy
    dbt_bench = bench_dbt_incremental(tmp_path, 200, seed=9, threads=(1,), repeats=1)
    assert dbt_bench["success"]
    run, compacting, full = dbt_bench["runs"]
    assert not run["full_refresh"] and not run["compacts"]
    assert compacting["compacts"] and not compacting["full_refresh"]
    assert full["full_refresh"]
    assert run["elapsed"] > 0 and run["nodes"] > 50 and full["nodes"] == run["nodes"]
    # the figures count the warehouse's close (DuckDB's last checkpoint) after dbt's clock
    for timed in (run, compacting, full):
        assert timed["closing"] > 0
        assert timed["elapsed_with_close"] == round(timed["elapsed"] + timed["closing"], 2)
        assert timed["closing"] < timed["wall"] - timed["elapsed"]
    assert dbt_bench["incremental_ratio"][1] == round(
        run["elapsed_with_close"] / full["elapsed_with_close"], 3)
    assert dbt_bench["compacting_ratio"][1] == round(
        compacting["elapsed_with_close"] / full["elapsed_with_close"], 3)
    assert dbt_bench["hourly_day_ratio"][1] == round(
        (23 * run["elapsed_with_close"] + compacting["elapsed_with_close"])
        / 24 / full["elapsed_with_close"], 3)
    assert list(run["slowest_nodes"].values()) == sorted(run["slowest_nodes"].values(),
                                                         reverse=True)
    # and the close of the process that writes the warehouse next, both policies, on
    # copies of that build's result (removed afterwards)
    next_writer = dbt_bench["next_writer_close"]
    assert next_writer["build_success"]
    assert next_writer["vacuum_on"] > 0 and next_writer["vacuum_deferred"] > 0
    assert not list((tmp_path / "dbt-incremental" / "next-writer").rglob("*.duckdb"))
    # identity ran a third time (the kept warehouse moved on with the change), while
    # the dbt build ran on a copy: the kept marts are the second run's
    newest_mart_row = "select max(row_changed_at) from marts.dim_customers"
    runs, kept_newest = warehouse_figures(tmp_path / "cdp-200.duckdb", newest_mart_row)
    assert runs == 3
    copy = tmp_path / "dbt-incremental" / "state" / "cdp-200.duckdb"
    assert warehouse_figures(copy, newest_mart_row) == (runs, kept_newest)
    # and every sync ran before it, not only what identity reads: the orders of the full
    # sync, of the pipeline bench's change and of this bench's own change reach the build
    order_loads = "select count(distinct _dlt_load_id) from raw_shop.orders"
    assert warehouse_figures(copy, order_loads)[1] == 3


def warehouse_figures(path: Path, query: str) -> tuple:
    """How many identity runs brought a new person, and the single value of `query`."""
    with duckdb.connect(str(path), read_only=True) as warehouse:
        runs = warehouse.execute(
            "select count(distinct resolved_at) from identity.identity_events "
            "where event = 'new'").fetchone()[0]
        return runs, warehouse.execute(query).fetchone()[0]
