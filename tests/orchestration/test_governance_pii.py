"""The personal-data gates in a real Dagster run on a real DuckDB file: a bi view
that leaks an email fails its blocking check and what reads it does not run; the
inventory names undeclared personal data."""

from __future__ import annotations

import duckdb
from dagster import AssetKey, AssetSpec, Definitions, asset, multi_asset

from orchestration.governance.pii import (
    PII_INVENTORY,
    WAREHOUSE_BUILT,
    bi_asset_keys,
    bi_view_checks,
    personal_data_is_declared,
    pii_inventory,
)
from orchestration.resources import WarehouseResource

EXPORT = AssetKey(["activation", "audience_export"])


def run(tmp_path, leak: bool):
    path = tmp_path / "cdp.duckdb"
    keys = bi_asset_keys()

    @multi_asset(specs=[AssetSpec(key) for key in [*keys, WAREHOUSE_BUILT]])
    def warehouse_build(warehouse: WarehouseResource):
        with warehouse.connect() as con:
            con.execute("create schema if not exists marts; create schema if not exists bi;"
                        "create schema if not exists snapshots")
            con.execute("create or replace table marts.dim_customers as select "
                        "'gc-' || i as golden_id, 'person' || i || '@example.com' as email "
                        "from range(300) t(i)")
            con.execute("create or replace table snapshots.dim_customers_history as "
                        "select * from marts.dim_customers")
            # a table dbt knows nothing of, holding emails
            con.execute("create or replace table marts.contact_sheet as "
                        "select * from marts.dim_customers")
            for key in keys:
                leaked = ", email" if leak and key.path[-1] == "bi_dim_customers" else ""
                con.execute(f"create or replace view bi.{key.path[-1]} as "
                            f"select golden_id{leaked} from marts.dim_customers")

    ran = []

    @asset(key=EXPORT, deps=[AssetKey(["bi", "bi_dim_customers"])])
    def audience_export() -> None:
        ran.append("export")

    defs = Definitions(
        assets=[warehouse_build, audience_export, pii_inventory],
        asset_checks=[bi_view_checks(), personal_data_is_declared],
        resources={"warehouse": WarehouseResource(path=str(path))},
    )
    result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
        raise_on_error=False)
    checks = {(e.asset_key.path[-1], e.check_name): e.passed
              for e in result.get_asset_check_evaluations()}
    with duckdb.connect(str(path), read_only=True) as con:
        inventory = con.execute("select table_name, column_name, violation "
                                "from governance.pii_inventory order by 1, 2").fetchall()
    return result, checks, ran, inventory


def test_a_bi_view_that_leaks_an_email_stops_what_reads_it(tmp_path):
    result, checks, ran, inventory = run(tmp_path, leak=True)
    assert not result.success
    assert checks[("bi_dim_customers", "holds_no_personal_data")] is False
    assert checks[("bi_fct_orders", "holds_no_personal_data")] is True
    assert ran == []
    assert ("bi_dim_customers", "email", "unmasked") in inventory


def test_clean_bi_views_let_it_run_and_undeclared_columns_are_named(tmp_path):
    result, checks, ran, inventory = run(tmp_path, leak=False)
    assert all(passed for (_, name), passed in checks.items()
               if name == "holds_no_personal_data")
    assert ran == ["export"]
    # nobody declared the contact sheet's emails: the inventory's gate names it
    assert checks[(PII_INVENTORY.path[-1], "personal_data_is_declared")] is False
    assert ("contact_sheet", "email", "untagged") in inventory
