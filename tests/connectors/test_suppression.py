"""The suppression step: rows of erased people never reach dlt, whatever shape they come in."""

from __future__ import annotations

import dlt
import duckdb
import pyarrow as pa

from connectors.quarantine import NullKeyQuarantine, quarantine_null_keys
from connectors.suppression import (
    SuppressedRows,
    apply_suppression,
    dropped_rows,
    load_suppressions,
)
from quality.privacy import suppression
from quality.privacy.identifiers import identifier_hash
from quality.privacy.suppression import Suppressions

SALT = b"unit-test-salt"


def listed(*identifiers: tuple[str, str]) -> Suppressions:
    return Suppressions(SALT, frozenset(identifier_hash(SALT, k, v) for k, v in identifiers))


def test_shop_rows_go_by_address_phone_or_customer_record():
    step = SuppressedRows("shop", "orders", listed(
        ("email", "Ann@Example.com"), ("record", "shop:gid://shopify/Customer/7")))
    rows = [
        {"id": "o1", "email": " ann@example.COM ", "customer": None},
        {"id": "o2", "email": None, "customer": {"id": "gid://shopify/Customer/7"}},
        {"id": "o3", "email": "bob@example.com", "customer": {"id": "gid://shopify/Customer/8"}},
    ]
    assert [r["id"] for r in step(rows)] == ["o3"]
    assert step.dropped == {"orders": 2}


def test_phone_numbers_match_in_any_spelling():
    step = SuppressedRows("erp", "partners", listed(("phone", "+1 415 555 0100")))
    kept = step([{"id": 1, "mobile": "+1 (415) 555-0100"}, {"id": 2, "mobile": "+14155550199"}])
    assert [r["id"] for r in kept] == [2]


def test_a_record_is_its_source_and_id():
    step = SuppressedRows("erp", "sale_orders", listed(("record", "erp:42")))
    assert step([{"id": 1, "partner_id": 42}]) is None, "a batch emptied goes away"
    other = SuppressedRows("shop", "customers", listed(("record", "erp:42")))
    assert other([{"id": "42"}]) == [{"id": "42"}], "shop 42 is not erp 42"


def test_arrow_batches_are_filtered_by_their_flattened_columns():
    step = SuppressedRows("email", "members", listed(("phone", "+442079460958")))
    table = pa.table({"id": ["a", "b"], "merge_fields__phone": ["+44 20 7946 0958", None]})
    assert step(table).column("id").to_pylist() == ["b"]


def test_rows_bound_for_another_table_use_that_tables_fields():
    step = SuppressedRows("social", "tweets", listed(("record", "social:99")))
    users = dlt.mark.with_hints([{"id": "99"}, {"id": "100"}],
                                dlt.mark.make_hints(table_name="users"))
    kept = step(users.data, users.meta)
    assert kept == [{"id": "100"}]
    assert step.dropped == {"users": 1}


def test_an_empty_list_passes_every_batch_as_it_is():
    step = SuppressedRows("shop", "customers", Suppressions(SALT, frozenset()))
    batch = [{"id": "x", "email": "a@b.co"}]
    assert step(batch) is batch


def test_it_runs_before_the_null_key_quarantine_and_keeps_the_person_out_of_it(tmp_path):
    @dlt.resource(name="customers", primary_key="id", write_disposition="merge")
    def customers():
        yield [{"id": None, "email": "ann@example.com"}, {"id": None, "email": "bob@example.com"},
               {"id": "c1", "email": "ann@example.com"}, {"id": "c2", "email": "bob@example.com"}]

    @dlt.source(name="shop")
    def shop():
        return customers

    source = shop()
    quarantine_null_keys(source, "shop")
    steps = apply_suppression(source, "shop", listed(("email", "ann@example.com")))
    pipe_steps = source.resources["customers"]._pipe.steps
    order = [type(s) for s in pipe_steps]
    assert order.index(SuppressedRows) < order.index(NullKeyQuarantine)
    pipeline = dlt.pipeline("suppress_test", destination=dlt.destinations.duckdb(
        str(tmp_path / "w.duckdb")), dataset_name="raw_shop", pipelines_dir=str(tmp_path))
    pipeline.run(source)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        loaded = con.execute("select email from raw_shop.customers").fetchall()
        quarantined = con.execute("select record from raw_shop.quarantine").fetchall()
    assert loaded == [("bob@example.com",)]
    assert len(quarantined) == 1 and "ann@" not in quarantined[0][0]
    assert dropped_rows(steps) == {"customers": 2}


def test_the_list_is_read_from_the_warehouse_without_lifted_entries(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    assert len(load_suppressions(warehouse, SALT)) == 0, "no warehouse yet: nothing suppressed"
    with duckdb.connect(str(warehouse)) as con:
        suppression.add(con, SALT, "er-1", [("email", "ann@example.com"), ("email", "bob@x.io")])
        suppression.lift(con, SALT, "email", "BOB@x.io", by="dpo", reason="came back, opted in")
    active = load_suppressions(warehouse, SALT)
    assert active.matches("email", "ann@example.com")
    assert not active.matches("email", "bob@x.io")
