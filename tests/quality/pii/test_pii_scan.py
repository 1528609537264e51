"""The scan of a real DuckDB warehouse: personal data is found by sampling, checked
against dbt's declarations, and reported without a single value."""

from __future__ import annotations

import duckdb
import pytest

from quality.pii.catalog import PiiCatalog, catalog_from_manifest
from quality.pii.inventory import findings_table, read_violations, write_inventory
from quality.pii.scan import UNMASKED, UNTAGGED, scan_warehouse

EMAILS = [f"person{i}@example.com" for i in range(200)]


@pytest.fixture
def warehouse(tmp_path):
    con = duckdb.connect(str(tmp_path / "cdp.duckdb"))
    con.execute("create schema raw_shop; create schema raw_shop_staging; create schema bi;"
                "create schema marts")
    for schema in ("raw_shop", "raw_shop_staging"):
        con.execute(f"create table {schema}.customers (id varchar, email varchar, "
                    "note varchar, phone varchar, amount varchar)")
        con.executemany(f"insert into {schema}.customers values (?, ?, ?, ?, ?)",
                        [(f"gid://shopify/Customer/{i}", email,
                          "write to jo@example.org" if i == 0 else "vip",
                          "+12132147191", f"{i}.50") for i, email in enumerate(EMAILS)])
    con.execute("create table marts.dim_customers as "
                "select id as golden_id, email, sha256(email) as email_sha256 "
                "from raw_shop.customers")
    con.execute("create view bi.dim_customers as "
                "select golden_id, email_sha256 from marts.dim_customers")
    yield con
    con.close()


CATALOG = PiiCatalog({
    ("raw_shop", "customers", "email"): "email",
    ("raw_shop", "customers", "phone"): "phone",
    ("marts", "dim_customers", "email"): "email",
})


def where(report, violation=None):
    return {(f.schema, f.table, f.column) for f in report.findings
            if violation is None or f.violation == violation}


def test_declared_columns_pass_and_undeclared_ones_are_named(warehouse):
    report = scan_warehouse(warehouse, CATALOG)
    assert where(report) == {
        ("raw_shop", "customers", "email"), ("raw_shop", "customers", "phone"),
        ("raw_shop_staging", "customers", "email"), ("raw_shop_staging", "customers", "phone"),
        ("marts", "dim_customers", "email"),
    }
    # dlt's staging dataset inherits the declarations of its dataset
    assert where(report, UNTAGGED) == set()


def test_one_value_in_two_hundred_is_below_the_floor(warehouse):
    # the note column holds one email address in 200 values: 0.5% < 1%
    assert ("raw_shop", "customers", "note") not in where(scan_warehouse(warehouse, CATALOG))
    strict = scan_warehouse(warehouse, CATALOG, min_share=0.001)
    assert ("raw_shop", "customers", "note") in where(strict, UNTAGGED)


def test_an_undeclared_email_column_is_a_violation(warehouse):
    warehouse.execute("alter table marts.dim_customers add column contact varchar")
    warehouse.execute("update marts.dim_customers set contact = email")
    report = scan_warehouse(warehouse, CATALOG)
    assert where(report, UNTAGGED) == {("marts", "dim_customers", "contact")}


def test_an_email_in_the_bi_schema_is_a_violation_even_when_declared(warehouse):
    warehouse.execute("create or replace view bi.dim_customers as "
                      "select golden_id, email_sha256, email from marts.dim_customers")
    catalog = PiiCatalog({**CATALOG.declared, ("bi", "dim_customers", "email"): "email"})
    report = scan_warehouse(warehouse, catalog)
    assert where(report, UNMASKED) == {("bi", "dim_customers", "email")}
    assert where(scan_warehouse(warehouse, catalog, schemas=["bi"])) == {
        ("bi", "dim_customers", "email")}


def test_the_inventory_and_its_reports_hold_no_values(warehouse):
    warehouse.execute("create or replace view bi.dim_customers as "
                      "select golden_id, email from marts.dim_customers")
    report = scan_warehouse(warehouse, CATALOG)
    assert write_inventory(warehouse, report) == len(report.findings)
    stored = warehouse.execute("select * from governance.pii_inventory").fetchall()
    unmasked = read_violations(warehouse, UNMASKED)
    assert [(f.schema, f.table, f.column) for f in unmasked] == [("bi", "dim_customers", "email")]
    text = repr(stored) + findings_table(report.findings) + repr(report)
    assert not any(email in text for email in EMAILS)
    assert "+12132147191" not in text


def test_declarations_are_read_from_column_meta_and_config_meta():
    manifest = {
        "nodes": {
            "model.cdpkit.dim_customers": {
                "resource_type": "model", "schema": "marts", "name": "dim_customers",
                "alias": "dim_customers",
                "columns": {"email": {"name": "email", "meta": {},
                                      "config": {"meta": {"pii": "email"}}},
                            "golden_id": {"name": "golden_id", "meta": {}, "config": {}}}},
            "test.cdpkit.x": {"resource_type": "test", "schema": "marts", "name": "x",
                              "columns": {"email": {"name": "email", "meta": {"pii": "x"}}}},
        },
        "sources": {
            "source.cdpkit.raw_shop.customers": {
                "schema": "raw_shop", "name": "customers", "identifier": "customers",
                "columns": {"Phone": {"name": "Phone", "meta": {"pii": "phone"}}}},
        },
    }
    catalog = catalog_from_manifest(manifest)
    assert catalog.declared == {("marts", "dim_customers", "email"): "email",
                                ("raw_shop", "customers", "phone"): "phone"}
    assert catalog.kind_of("RAW_SHOP_staging", "customers", "phone") == "phone"
    assert catalog.kind_of("marts", "dim_customers", "golden_id") is None
