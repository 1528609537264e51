"""customer_metrics rescores the customers it holds when the population moves under them.

An incremental build computes figures from the facts only for the customers whose
interactions or profile changed, and of the others it derives again only those whose
score moved or, when the repeat customers' median cadence moved, those with one order.
Here two one-order ERP customers, Fay and Gus, are never touched. Carla then places a
large second order: she becomes a repeat customer (the median cadence moves) and the
top spender (everyone's monetary rank below her moves). Fay's and Gus's rows must follow,
as a full rebuild would have them, although neither is among the customers recomputed.
A log from before the median was kept rescores every one-order customer once.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from dbt_harness import failures, invoke_dbt
from dbt_raw_world import build_raw_warehouse

AS_OF = {"CDP_METRICS_AS_OF": "2025-08-02 00:00:00"}
FIRST_LOAD, LATER_LOAD = "'1754006400.5'", "'1754092800.5'"
BUILD = ["build", "--select", "+customer_metrics", "--exclude-resource-type", "test",
         "--exclude-resource-type", "unit_test"]
HELD = ("gc-fay", "gc-gus")


def partner(partner_id: int, name: str) -> str:
    return (f"insert into raw_erp.partners (id, name, is_company, email, city, country_code, "
            f"active, customer_rank, create_date, write_date, _dlt_load_id, _dlt_id) values "
            f"({partner_id}, '{name}', false, '{name.lower()}@example.com', 'Berlin', 'DE', "
            f"true, 1, '2024-01-01 10:00:00', '2024-01-01 10:00:00', {FIRST_LOAD}, "
            f"'p{partner_id}')")


def sale_order(order_id: int, partner_id: int, day: str, amount: float, load: str) -> str:
    return (f"insert into raw_erp.sale_orders values ({order_id}, 'S00{order_id}', {partner_id}, "
            f"'p{partner_id}', '{day} 10:00:00', {amount}, {amount}, 1, 'EUR', 'sale', "
            f"'{day} 10:00:00', '{day} 10:00:00', {load}, 's{order_id}')")


def customer(golden_id: str, partner_id: int) -> str:
    return (f"insert into identity.crosswalk values ('erp', '{partner_id}', '{golden_id}', "
            f"'seed', '2025-06-01T00:00:00Z'); "
            f"insert into identity.golden_profiles (golden_id, source_systems, member_count, "
            f"resolved_at) values ('{golden_id}', 'erp', 1, '2025-06-01T00:00:00Z')")


TWO_HELD_CUSTOMERS = "; ".join([
    partner(30, "Fay"), customer("gc-fay", 30), sale_order(600, 30, "2025-05-01", 60.0, FIRST_LOAD),
    partner(31, "Gus"), customer("gc-gus", 31), sale_order(601, 31, "2025-04-01", 20.0, FIRST_LOAD),
])
# Carla (ERP partner 21, one order of 40.00 on 2025-04-02) orders again, far more
CARLA_ORDERS_AGAIN = sale_order(602, 21, "2025-07-20", 5000.0, LATER_LOAD)


def run(work_dir: Path, warehouse: Path, *flags: str) -> None:
    result = invoke_dbt([*BUILD, *flags], work_dir=work_dir, warehouse=warehouse,
                        environment=AS_OF)
    assert result.success, failures(result)


def metrics(warehouse: Path) -> dict[str, dict]:
    with duckdb.connect(str(warehouse)) as connection:
        cursor = connection.execute("select * from marts.customer_metrics order by golden_id")
        names = [column[0] for column in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def without_stamp(rows: dict[str, dict]) -> dict[str, dict]:
    return {key: {name: value for name, value in row.items() if name != "row_changed_at"}
            for key, row in rows.items()}


def execute(warehouse: Path, sql: str) -> None:
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(sql)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    work_dir = tmp_path_factory.mktemp("dbt_metrics_rescoring")
    warehouse = work_dir / "cdp.duckdb"
    build_raw_warehouse(str(warehouse))
    execute(warehouse, TWO_HELD_CUSTOMERS)
    run(work_dir, warehouse)
    first = metrics(warehouse)
    with duckdb.connect(str(warehouse)) as connection:
        logged = connection.execute(
            "select typical_cadence_days from dbt_meta.metrics_inputs").fetchall()
    legacy = work_dir / "legacy.duckdb"
    shutil.copyfile(warehouse, legacy)
    # with its write-ahead log: dbt's process may not have checkpointed yet
    if warehouse.with_suffix(".duckdb.wal").exists():
        shutil.copyfile(warehouse.with_suffix(".duckdb.wal"), legacy.with_suffix(".duckdb.wal"))

    execute(warehouse, CARLA_ORDERS_AGAIN)
    run(work_dir, warehouse)
    incremental = metrics(warehouse)
    compiled = (work_dir / "target" / "compiled" / "cdpkit" / "models" / "marts"
                / "customer_metrics.sql").read_text()
    run(work_dir, warehouse, "--full-refresh")
    full = metrics(warehouse)

    # a warehouse whose log is from before the median was kept
    execute(legacy, "alter table dbt_meta.metrics_inputs drop column typical_cadence_days; "
                    + CARLA_ORDERS_AGAIN)
    run(work_dir, legacy)
    return {"first": first, "logged": logged, "incremental": incremental, "full": full,
            "compiled_incremental": compiled, "legacy": metrics(legacy)}


def test_the_build_held_fay_and_gus(runs):
    assert "held_figures" in runs["compiled_incremental"]
    for golden_id in HELD:
        before, after = runs["first"][golden_id], runs["incremental"][golden_id]
        assert (after["frequency"], after["monetary_value"]) == (
            before["frequency"], before["monetary_value"])


def test_the_population_moved_under_them(runs):
    before, after = runs["first"], runs["incremental"]
    # Carla's second order makes a repeat customer of her and the top spender
    assert after["gc-carla"]["has_own_cadence"] and after["gc-carla"]["monetary_score"] == 5
    for golden_id in HELD:
        assert after[golden_id]["purchase_cadence_days"] != (
            before[golden_id]["purchase_cadence_days"])
    assert any(after[golden_id]["monetary_score"] != before[golden_id]["monetary_score"]
               for golden_id in HELD)


def test_an_incremental_build_equals_a_full_rebuild(runs):
    assert without_stamp(runs["incremental"]) == without_stamp(runs["full"])


def test_rows_nothing_moved_keep_their_stamp(runs):
    # Dave has no order and no new interaction: his row is not written again
    assert runs["incremental"]["gc-dave"]["row_changed_at"] == (
        runs["first"]["gc-dave"]["row_changed_at"])
    assert runs["incremental"]["gc-fay"]["row_changed_at"] > (
        runs["first"]["gc-fay"]["row_changed_at"])


def test_the_log_keeps_the_median_cadence_of_the_build(runs):
    # Anna, the one repeat customer of the first build: 2025-01-15 to 2025-02-10
    assert runs["logged"] == [(26.0,)]


def test_a_log_from_before_the_median_rescores_one_order_customers(runs):
    assert without_stamp(runs["legacy"]) == without_stamp(runs["full"])
