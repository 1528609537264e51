"""stg_erp__sale_order_lines on the hand-made raw warehouse: names, types, the SKU read
from Odoo's `[SKU] name`, headings flagged, and its tests; an unsynced table reads empty."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from dbt_harness import failures, invoke_dbt
from dbt_raw_world import build_raw_warehouse

SELECT = ["build", "--select", "stg_erp__sale_order_lines", "stg_erp__sale_orders"]


def _build(work_dir: Path, drop_lines: bool = False):
    warehouse = work_dir / "cdp.duckdb"
    build_raw_warehouse(str(warehouse))
    if drop_lines:
        with duckdb.connect(str(warehouse)) as connection:
            connection.execute("drop table raw_erp.sale_order_lines")
    result = invoke_dbt(SELECT, work_dir=work_dir, warehouse=warehouse)
    assert result.success, failures(result)
    return result, warehouse


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("dbt_erp_lines"))


@pytest.fixture(scope="module")
def lines(built) -> dict[int, dict]:
    _, warehouse = built
    with duckdb.connect(str(warehouse)) as connection:
        cursor = connection.execute("select * from staging.stg_erp__sale_order_lines")
        names = [c[0] for c in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def test_columns_names_and_types(built):
    _, warehouse = built
    with duckdb.connect(str(warehouse)) as connection:
        types = dict(connection.execute(
            "select column_name, data_type from information_schema.columns where "
            "table_schema = 'staging' and table_name = 'stg_erp__sale_order_lines' "
            "order by ordinal_position").fetchall())
    assert list(types) == [
        "sale_order_line_id", "sale_order_id", "sale_order_name", "line_position",
        "product_id", "sku", "product_name", "description", "quantity", "unit_price",
        "subtotal_amount", "total_amount", "currency_id", "currency_code", "display_type",
        "is_product_line", "created_at", "updated_at", "dlt_load_id",
    ]
    assert types["sale_order_line_id"] == types["sale_order_id"] == "BIGINT"
    assert types["quantity"] == "DECIMAL(18,3)"
    assert types["unit_price"] == types["subtotal_amount"] == "DECIMAL(18,2)"
    assert types["is_product_line"] == "BOOLEAN" and types["updated_at"] == "TIMESTAMP"


def test_a_product_line_keeps_its_order_product_and_amounts(lines):
    shirt = lines[5001]
    assert (shirt["sale_order_id"], shirt["sale_order_name"], shirt["line_position"]) == (
        500, "S00500", 10)
    assert (shirt["product_id"], shirt["sku"], shirt["product_name"]) == (
        1, "TSH-001", "Organic Cotton T-Shirt")
    assert shirt["description"] == "[TSH-001] Organic Cotton T-Shirt"
    assert (shirt["quantity"], shirt["unit_price"], shirt["subtotal_amount"],
            shirt["total_amount"]) == (Decimal("2.000"), Decimal("24.90"), Decimal("49.80"),
                                       Decimal("59.26"))
    assert (shirt["currency_id"], shirt["currency_code"]) == (1, "EUR")
    assert shirt["is_product_line"] is True and shirt["display_type"] is None
    assert str(shirt["created_at"]) == "2025-02-10 10:00:00"
    assert shirt["dlt_load_id"] == "1732363245.1234561"


def test_sku_is_read_from_the_display_name_when_there_is_one(lines):
    # "[ PST-012 ]  Art Print A3 ": trimmed on both sides of the brackets
    assert (lines[5004]["sku"], lines[5004]["product_name"]) == ("PST-012", "Art Print A3")
    assert lines[5004]["description"] == "Art print, framed"
    assert lines[5004]["currency_code"] == "EUR"
    # a product without an internal reference: no SKU, the whole name
    assert (lines[5006]["sku"], lines[5006]["product_name"]) == (None, "Consulting hour")
    assert lines[5006]["quantity"] == Decimal("0.500")


def test_headings_are_not_product_lines(lines):
    for line_id, kind in ((5005, "line_section"), (5007, "line_note")):
        heading = lines[line_id]
        assert heading["display_type"] == kind and heading["is_product_line"] is False
        assert heading["product_id"] is None and heading["sku"] is None
        assert heading["product_name"] is None and heading["subtotal_amount"] == 0
    # a timestamptz with an offset ends up in UTC
    assert str(lines[5007]["updated_at"]) == "2025-03-02 07:00:00"


def test_subtotals_add_up_to_the_orders_untaxed_amount(built):
    _, warehouse = built
    with duckdb.connect(str(warehouse)) as connection:
        off = connection.execute(
            "select o.sale_order_id, o.amount_untaxed, sum(l.subtotal_amount) "
            "from staging.stg_erp__sale_orders o join staging.stg_erp__sale_order_lines l "
            "using (sale_order_id) group by 1, 2 having o.amount_untaxed != sum(l.subtotal_amount)"
        ).fetchall()
        totals = connection.execute(
            "select o.sale_order_id from staging.stg_erp__sale_orders o "
            "join staging.stg_erp__sale_order_lines l using (sale_order_id) "
            "group by 1, o.amount_total having o.amount_total != sum(l.total_amount)"
        ).fetchall()
    assert off == [] and totals == []


def test_its_dbt_tests_ran_and_passed(built):
    result, _ = built
    tests = {row.node.name: str(row.status) for row in result.result.results
             if row.node.resource_type == "test"
             and "model.cdpkit.stg_erp__sale_order_lines" in row.node.depends_on.nodes}
    assert any(name.startswith("relationships_stg_erp__sale_order_lines") for name in tests)
    assert any(name.startswith("unique_stg_erp__sale_order_lines") for name in tests)
    assert set(tests.values()) == {"pass"}, tests  # the warn-level relationship too


def test_a_warehouse_synced_before_the_stream_existed_reads_it_as_empty(tmp_path):
    _, warehouse = _build(tmp_path, drop_lines=True)
    with duckdb.connect(str(warehouse)) as connection:
        assert connection.execute(
            "select count(*) from staging.stg_erp__sale_order_lines").fetchone() == (0,)
