"""Nested lists leave their parent and load as keyed tables that a changed parent replaces."""

from __future__ import annotations

import dlt
import duckdb
import pyarrow as pa

from connectors.child_tables import ChildTable, SplitChildTables, drop_nested_layout
from connectors.hints import columns

ORDER = columns(text=("id", "name", "total_set__amount"))
LINES = ChildTable("lineItems", "orders__line_items", "order_id",
                   columns(text=("id", "sku"), bigint=("quantity",)))
TAGS = ChildTable("tags", "orders__tags", "order_id", columns(text=("value",)))


def order(n: int, lines: int, **extra) -> dict:
    return {"id": f"o{n}", "name": f"#{n}", "totalSet": {"amount": "9.50"},
            "lineItems": [{"id": f"o{n}-l{i}", "sku": f"S{i}", "quantity": i + 1}
                          for i in range(lines)],
            "tags": ["vip", "b2b"][: n % 3], **extra}


def split(rows: list[dict]) -> list:
    step = SplitChildTables(ORDER, (LINES, TAGS))
    return list(step(rows))


def test_parents_lose_their_lists_and_children_carry_key_and_position():
    parents, *children = split([order(1, 2), order(2, 1)])
    assert isinstance(parents, pa.Table)
    assert parents.schema.names == ["id", "name", "total_set__amount", "_dlt_id"]
    tables = {c.meta.hints["table_name"]: c.data for c in children}
    lines = tables["orders__line_items"]
    assert isinstance(lines, pa.Table)
    assert lines.select(["order_id", "position", "id", "quantity"]).to_pylist() == [
        {"order_id": "o1", "position": 0, "id": "o1-l0", "quantity": 1},
        {"order_id": "o1", "position": 1, "id": "o1-l1", "quantity": 2},
        {"order_id": "o2", "position": 0, "id": "o2-l0", "quantity": 1},
    ]
    assert tables["orders__tags"].drop_columns(["_dlt_id"]).to_pylist() == [
        {"order_id": "o1", "position": 0, "value": "vip"},
        {"order_id": "o2", "position": 0, "value": "vip"},
        {"order_id": "o2", "position": 1, "value": "b2b"},
    ]


def test_empty_lists_yield_no_child_batch():
    parents, *children = split([order(3, 0)])  # no lines, and 3 % 3 == 0 tags
    assert children == []
    assert parents.num_rows == 1


def test_a_list_field_that_is_no_longer_a_list_stays_for_dlts_row_path():
    parents, *_ = split([order(1, 1, tags={"first": "vip"})])
    assert isinstance(parents, list), "a drifted batch goes to dlt as rows"
    assert parents[0]["tags"] == {"first": "vip"}


def test_drifted_children_go_to_dlt_as_rows_and_parents_stay_arrow():
    rows = [order(1, 1)]
    rows[0]["lineItems"][0]["discount"] = "1.00"
    parents, lines, _tags = split(rows)
    assert isinstance(parents, pa.Table)
    assert isinstance(lines.data, list) and lines.data[0]["discount"] == "1.00"


def _load(pipeline: dlt.Pipeline, rows: list[dict]) -> None:
    @dlt.resource(name="orders", primary_key="id", write_disposition="merge", columns=ORDER)
    def orders():
        yield rows

    pipeline.run(orders().add_step(SplitChildTables(ORDER, (LINES, TAGS))))


def test_a_changed_parent_replaces_its_whole_list_in_the_warehouse(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    pipeline = dlt.pipeline("child_tables", destination=dlt.destinations.duckdb(str(db)),
                            dataset_name="raw", pipelines_dir=str(tmp_path / "dlt"))
    _load(pipeline, [order(1, 3), order(2, 2)])
    changed = order(1, 1)
    changed["lineItems"][0]["discount"] = "1.00"  # and a new field: drift, as rows
    _load(pipeline, [changed])
    with duckdb.connect(str(db)) as con:
        lines = con.sql("select order_id, position, id, discount from raw.orders__line_items "
                        "order by all").fetchall()
        tags = con.sql("select order_id, value from raw.orders__tags order by all").fetchall()
        loaded = con.sql("select id, total_set__amount from raw.orders order by id").fetchall()
    assert lines == [("o1", 0, "o1-l0", "1.00"), ("o2", 0, "o2-l0", None),
                     ("o2", 1, "o2-l1", None)], "o1's removed lines are gone, o2's untouched"
    assert tags == [("o1", "vip"), ("o2", "b2b"), ("o2", "vip")]
    assert loaded == [("o1", "9.50"), ("o2", "9.50")]


def test_a_warehouse_with_dlt_nested_lists_is_reloaded_in_the_keyed_layout(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    pipeline = dlt.pipeline("nested_then_keyed", destination=dlt.destinations.duckdb(str(db)),
                            dataset_name="raw", pipelines_dir=str(tmp_path / "dlt"))

    @dlt.resource(name="orders", primary_key="id", write_disposition="merge", columns=ORDER)
    def orders():
        yield [order(1, 2), order(2, 1)]

    pipeline.run(dlt.source(lambda: orders(), name="shop")())  # dlt nested tables, as before
    keyed = orders().add_step(SplitChildTables(ORDER, (LINES, TAGS)))
    source = dlt.source(lambda: keyed, name="shop")()
    assert drop_nested_layout(pipeline, source) == ["orders"]
    pipeline.run(source)
    assert drop_nested_layout(pipeline, source) == [], "done once"
    with duckdb.connect(str(db)) as con:
        lines = con.sql("select order_id, position, id from raw.orders__line_items "
                        "order by all").fetchall()
    assert lines == [("o1", 0, "o1-l0"), ("o1", 1, "o1-l1"), ("o2", 0, "o2-l0")]
    assert pipeline.default_schema.tables["orders__line_items"].get("parent") is None
