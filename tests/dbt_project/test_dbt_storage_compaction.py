"""On DuckDB an incremental build leaves the rows it deleted in place, and compacts the
tables it writes once a day (macros/storage_compaction.sql): the first build of each
model compacts, a build within `compact_storage_every_hours` of the last compaction
does not, and var `compact_storage` decides for one invocation."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dbt_harness import invoke_dbt
from dbt_raw_world import build_raw_warehouse

AS_OF = {"CDP_METRICS_AS_OF": "2025-08-02 00:00:00"}


def reload_order(warehouse: Path, order_id: str, load_id: str) -> None:
    """A later sync brings the shop order again: fct_orders deletes and re-inserts it."""
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(
            "update raw_shop.orders set _dlt_load_id = ? where id = ?", [load_id, order_id])


def fct_orders_rows(warehouse: Path) -> tuple[int, int]:
    """(rows, rows stored) after a checkpoint: a deleted row stays stored until a vacuum
    rewrites its row group.

    The dbt CLI's process checkpoints the warehouse when it exits, with the vacuum its
    build set. In this process dbt's DuckDB database outlives the invocation (this
    connection joins it, with the setting the build left), so the checkpoint is taken
    here; had it closed, the checkpoint has been taken and this one finds nothing."""
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("checkpoint")
        [(rows,)] = connection.execute("select count(*) from marts.fct_orders").fetchall()
        [(stored,)] = connection.execute(
            "select sum(count) from pragma_storage_info('marts.fct_orders') "
            "where column_name = 'order_key' and segment_type <> 'VALIDITY'").fetchall()
    return rows, int(stored)


def compactions(warehouse: Path) -> list[tuple[str, int]]:
    """Each logged invocation (in order) and how many models it compacted."""
    with duckdb.connect(str(warehouse)) as connection:
        return connection.execute(
            "select invocation_id, count(*) from dbt_meta.storage_compactions "
            "group by invocation_id order by min(recorded_at)").fetchall()


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    work_dir = tmp_path_factory.mktemp("dbt_storage_compaction")
    warehouse = work_dir / "cdp.duckdb"
    build_raw_warehouse(str(warehouse))
    seen: dict = {}

    def build(label: str, *extra: str) -> None:
        result = invoke_dbt(["build", *extra], work_dir=work_dir, warehouse=warehouse,
                            environment=AS_OF)
        assert result.success, label
        seen[label] = {"fct_orders": fct_orders_rows(warehouse),
                       "log": compactions(warehouse)}

    build("first")
    reload_order(warehouse, "gid://shopify/Order/5003", "1754006400.5000001")
    build("within_a_day")
    reload_order(warehouse, "gid://shopify/Order/5001", "1754092800.5000001")
    build("a_day_later", "--vars", "{compact_storage_every_hours: 0}")
    reload_order(warehouse, "gid://shopify/Order/5003", "1754179200.5000001")
    build("never", "--vars", "{compact_storage: false, compact_storage_every_hours: 0}")
    return seen


def test_the_first_build_compacts_every_table_it_writes(runs):
    [(_, models)] = runs["first"]["log"]
    # the seven marts, the touchpoints, the snapshot and the rates seed, less views
    assert models >= 10
    rows, stored = runs["first"]["fct_orders"]
    assert rows == stored


def test_a_build_within_a_day_leaves_deleted_rows_stored(runs):
    assert runs["within_a_day"]["log"] == runs["first"]["log"]
    rows, stored = runs["within_a_day"]["fct_orders"]
    # the old version of the reloaded order stays in its row group, marked deleted
    assert stored == rows + 1


def test_the_next_compaction_takes_what_earlier_builds_left(runs):
    log = runs["a_day_later"]["log"]
    assert len(log) == 2
    assert log[1][1] == log[0][1]
    rows, stored = runs["a_day_later"]["fct_orders"]
    assert rows == stored == runs["within_a_day"]["fct_orders"][0]


def test_var_compact_storage_decides_for_one_invocation(runs):
    assert runs["never"]["log"] == runs["a_day_later"]["log"]
    rows, stored = runs["never"]["fct_orders"]
    assert stored == rows + 1
