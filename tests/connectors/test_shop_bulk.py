"""Shopify first loads and id listings through bulk operations, against the simulator."""

from __future__ import annotations

import time

import pytest
from conftest import Warehouse
from conn_helpers import FAST_RETRY, checksum, exception_text, source_error
from dlt.pipeline.exceptions import PipelineStepFailed
from sim_compare import assert_raw_matches

from connectors.shop import queries, shop_source
from connectors.shop.bulk import assemble
from sandbox.simulators import start_shop

TOKEN = "shpat_BULK_CANARY_a11ce"
TABLES = {
    "customers": "id, email, first_name, last_name, phone, updated_at, "
                 "default_address__city, email_marketing_consent__marketing_state",
    "orders": "id, name, customer__id, updated_at, total_price_set__shop_money__amount",
    "orders__line_items": "id, sku, quantity, original_unit_price_set__shop_money__amount",
    "orders__refunds": "id, created_at, total_refunded_set__shop_money__amount",
    "customers__tags": "value",
}


@pytest.fixture
def shop(world):
    handle = start_shop(world, token=TOKEN, bucket_size=20000, restore_rate=20000)
    yield handle
    handle.stop()


def source(handle, **kw):
    return shop_source(handle.root_url, TOKEN, page_size=40, retry_policy=FAST_RETRY, **kw)


def table_checksums(wh) -> dict[str, str]:
    return {t: checksum(wh.query(f"select {cols} from raw_shop.{t}")) for t, cols in TABLES.items()}


def test_bulk_first_load_equals_a_paged_one(shop, warehouse, tmp_path):
    bulk_wh = warehouse("shop")
    bulk_wh.run(source(shop))
    assert len(shop.simulator.bulk.operations) == 2, "customers and orders, one operation each"
    assert shop.simulator.bulk.downloads and not any(
        d["token_sent"] for d in shop.simulator.bulk.downloads
    ), "the result file is fetched without the shop's token"

    (tmp_path / "paged").mkdir()
    paged_wh = Warehouse(tmp_path / "paged", "shop")
    paged_wh.run(source(shop, bulk=False))
    assert table_checksums(bulk_wh) == table_checksums(paged_wh)
    assert len(bulk_wh.ids("customers")) == len(shop.snapshot("customers"))
    lines = bulk_wh.query("select count(*) from raw_shop.orders__line_items")[0][0]
    served = sum(len(_items(o.get("lineItems"))) for o in shop.snapshot("orders"))
    assert lines == served > 0


def _items(line_items) -> list:
    """The simulator stores line items as a list or as a `{"nodes": [...]}` connection."""
    return line_items.get("nodes", []) if isinstance(line_items, dict) else line_items or []


def test_incremental_syncs_page_instead_of_starting_operations(shop, warehouse):
    wh = warehouse("shop")
    wh.run(source(shop))
    shop.mutate(new=3, updated=5, seed=31)
    wh.run(source(shop))
    queries_run = [op.query for op in shop.simulator.bulk.operations.values()]
    assert queries_run[2:] == [queries.IDS_BULK.format(connection=c)
                               for c in ("customers", "orders")], \
        "the second sync read the change by paging; only its deletion check listed ids in bulk"
    assert set(wh.ids("customers")) == {c["id"] for c in shop.snapshot("customers")}


def test_a_large_change_set_is_read_by_a_filtered_bulk_operation(shop, warehouse):
    wh = warehouse("shop")
    wh.run(source(shop, detect_deletions=False))
    shop.mutate(new=3, updated=8, seed=32)
    wh.run(source(shop, detect_deletions=False, bulk_from=2))
    incremental = list(shop.simulator.bulk.operations.values())[2:]
    assert [op.query.split("(query: ")[0] for op in incremental] == ["{ customers", "{ orders"]
    assert all("updated_at:>=" in op.query for op in incremental), "only what changed"
    assert all(op.root_object_count < len(shop.snapshot(c))
               for op, c in zip(incremental, ("customers", "orders"), strict=True))
    assert_raw_matches(wh.query, shop.snapshot, "shop")


def test_a_small_change_set_pages(shop, warehouse):
    wh = warehouse("shop")
    wh.run(source(shop, detect_deletions=False))
    shop.mutate(new=1, updated=2, seed=33)
    wh.run(source(shop, detect_deletions=False, bulk_from=10_000))
    assert len(shop.simulator.bulk.operations) == 2, "no operation after the first load"
    assert_raw_matches(wh.query, shop.snapshot, "shop")


def test_a_download_cut_mid_body_is_fetched_again(shop, warehouse):
    shop.simulator.bulk.cut_downloads = 2
    counts = warehouse("shop").run(source(shop).with_resources("customers"))
    assert counts["customers"] == len(shop.snapshot("customers"))
    assert len(shop.simulator.bulk.downloads) == 3


def test_an_operation_left_running_by_a_killed_run_is_adopted(shop, warehouse):
    bulk = shop.simulator.bulk
    bulk.hold = 600.0  # still running when the sync asks, however loaded the machine
    started = bulk.run_query(queries.CUSTOMERS_BULK)  # what the killed run had submitted
    assert not started["userErrors"]
    run_query = bulk.run_query

    def refuse_then_release(query, *args, **kwargs):
        answer = run_query(query, *args, **kwargs)
        if answer["userErrors"]:  # refused: the sync should now adopt the running one
            bulk.release(started["bulkOperation"]["id"])
        return answer

    bulk.run_query = refuse_then_release
    counts = warehouse("shop").run(source(shop).with_resources("customers"))
    assert counts["customers"] == len(shop.snapshot("customers"))
    assert list(bulk.operations) == [started["bulkOperation"]["id"]], "no second operation"


def test_an_operation_that_completes_while_our_request_is_refused_is_adopted(shop, warehouse):
    bulk = shop.simulator.bulk
    bulk.hold = 600.0  # held until our request has been refused, however slow the machine
    started = bulk.run_query(queries.CUSTOMERS_BULK)  # what the killed run had submitted
    run_query = bulk.run_query
    refusals = []

    def refuse_then_let_it_complete(query, *args, **kwargs):
        answer = run_query(query, *args, **kwargs)
        if answer["userErrors"]:  # refused: the killed run's operation ends meanwhile
            refusals.append(answer["userErrors"][0]["code"])
            bulk.release(started["bulkOperation"]["id"])
            while bulk.operations[started["bulkOperation"]["id"]].running:
                time.sleep(0.01)
        return answer

    bulk.run_query = refuse_then_let_it_complete
    counts = warehouse("shop").run(source(shop).with_resources("customers"))
    assert counts["customers"] == len(shop.snapshot("customers"))
    assert refusals == ["OPERATION_IN_PROGRESS"]
    assert list(bulk.operations) == [started["bulkOperation"]["id"]], "no second operation"


def test_someone_elses_operation_is_waited_for(shop, warehouse):
    bulk = shop.simulator.bulk
    bulk.hold = 0.5
    other = bulk.run_query("{ orders { edges { node { id } } } }")
    assert not other["userErrors"]
    counts = warehouse("shop").run(source(shop).with_resources("customers"))
    assert counts["customers"] == len(shop.snapshot("customers"))
    assert len(bulk.operations) == 2
    assert bulk.operations[other["bulkOperation"]["id"]].status == "COMPLETED"


def test_an_operation_superseded_before_its_result_is_read_runs_again(shop, warehouse):
    """A killed run's last request can land late and start another operation after ours
    ended: `currentBulkOperation` then shows only that one, so ours is run again."""
    bulk = shop.simulator.bulk
    run_query = bulk.run_query
    late: list[dict] = []

    def run_then_supersede(query, *args, **kwargs):
        mine = run_query(query, *args, **kwargs)
        if not late:
            op = bulk.operations[mine["bulkOperation"]["id"]]
            while op.running:  # ours ends, then the late request arrives
                time.sleep(0.01)
            late.append(run_query("{ orders { edges { node { id } } } }"))
        return mine

    bulk.run_query = run_then_supersede
    counts = warehouse("shop").run(source(shop).with_resources("customers"))
    assert counts["customers"] == len(shop.snapshot("customers"))
    assert not late[0]["userErrors"]
    customer_ops = [op for op in bulk.operations.values() if "customers" in op.query]
    assert len(customer_ops) == 2, "the superseded operation was run again"


def test_a_failed_operation_is_a_clear_error(shop, warehouse, all_logs):
    shop.simulator.bulk.fail_next = "INTERNAL_SERVER_ERROR"
    with pytest.raises(PipelineStepFailed) as info:
        warehouse("shop").run(source(shop).with_resources("customers"))
    err = source_error(info.value)
    assert (err.source, err.stream) == ("shop", "customers")
    assert "FAILED" in str(err) and "INTERNAL_SERVER_ERROR" in str(err)
    assert TOKEN not in exception_text(info.value) and TOKEN not in all_logs.text


def test_simulator_refuses_what_shopify_refuses(shop):
    bulk = shop.simulator.bulk
    not_a_connection = bulk.run_query('{ customer(id: "gid://shopify/Customer/1") { id } }')
    assert not_a_connection["userErrors"][0]["code"] == "INVALID"
    invalid = bulk.run_query("{ customers { edges { node { nosuchfield } } } }")
    assert "nosuchfield" in invalid["userErrors"][0]["message"]
    bulk.hold = 600.0
    first = bulk.run_query(queries.IDS_BULK.format(connection="orders"))
    assert not first["userErrors"]
    busy = bulk.run_query(queries.IDS_BULK.format(connection="customers"))
    assert busy["userErrors"][0]["code"] == "OPERATION_IN_PROGRESS"
    bulk.release(first["bulkOperation"]["id"])


def test_assemble_refuses_children_out_of_order():
    def lines():
        return [{"id": "o1"}, {"id": "l1", "__parentId": "o1"}, {"id": "o2"},
                {"id": "l2", "__parentId": "o1"}]

    with pytest.raises(ValueError, match="not grouped"):
        list(assemble(lines(), "lineItems"))
    good = list(assemble(lines()[:3], "lineItems"))
    assert good == [{"id": "o1", "lineItems": [{"id": "l1"}]}, {"id": "o2", "lineItems": []}]
