"""Shopify GraphQL connector against the Shopify simulator on loopback."""

from __future__ import annotations

import pytest
from conn_helpers import (
    FAST_RETRY,
    STORM_RETRY,
    checksum,
    exception_text,
    files_containing,
    source_error,
)
from dlt.pipeline.exceptions import PipelineStepFailed

from connectors.shop import shop_source
from sandbox.simulators import start_shop

CANARY = "shpat_CANARY_9d2f61c0ffee"


@pytest.fixture
def shop(world):
    # a generous bucket keeps the suite fast; pacing has its own test below
    handle = start_shop(world, token=CANARY, bucket_size=20000, restore_rate=20000)
    yield handle
    handle.stop()


def source(handle, token=CANARY, **kw):
    kw.setdefault("page_size", 40)
    kw.setdefault("retry_policy", FAST_RETRY)
    return shop_source(handle.root_url, token, **kw)


def test_full_load_matches_simulator(shop, warehouse, all_logs):
    wh = warehouse("shop")
    counts = wh.run(source(shop))
    customers = shop.snapshot("customers")
    orders = shop.snapshot("orders")
    assert counts["customers"] == len(customers) > 40  # many pages of 40
    assert sorted(wh.ids("customers")) == sorted(c["id"] for c in customers)
    assert sorted(wh.ids("orders")) == sorted(o["id"] for o in orders)
    loaded = wh.query("select id, email, first_name, last_name from raw_shop.customers")
    expected = [(c["id"], c.get("email"), c.get("firstName"), c.get("lastName")) for c in customers]
    assert checksum(loaded) == checksum(expected)
    n_items = sum(len(o["lineItems"]["nodes"]) for o in orders)
    assert wh.query("select count(*) from raw_shop.orders__line_items")[0][0] == n_items
    n_refunds = sum(len(o.get("refunds") or []) for o in orders)
    assert wh.query("select count(*) from raw_shop.orders__refunds")[0][0] == n_refunds
    assert wh.query("select count(*) from raw_shop.customers__tags")[0][0] == sum(
        len(c.get("tags") or []) for c in customers
    )
    types = dict(wh.query(
        "select column_name, data_type from information_schema.columns "
        "where table_schema='raw_shop' and table_name='customers'"
    ))
    assert types["updated_at"].startswith("TIMESTAMP")
    assert types["email_marketing_consent__marketing_state"] == "VARCHAR"
    # the canary token is nowhere: not in logs, not in the warehouse file
    assert CANARY not in all_logs.text
    assert files_containing(wh.path, CANARY) == []


def test_second_run_loads_nothing_then_picks_up_changes(shop, warehouse):
    wh = warehouse("shop")
    wh.run(source(shop))
    assert wh.run(source(shop)) == {}
    shop.mutate(new=5, updated=7, deleted=2, seed=3)
    counts = wh.run(source(shop))
    assert counts.get("customers", 0) > 0
    live = {c["id"]: c for c in shop.snapshot("customers")}
    ids = wh.ids("customers")
    assert len(ids) == len(set(ids)), "merge must not duplicate"
    assert set(live) <= set(ids)
    rows = wh.query("select id, email, last_name from raw_shop.customers")
    got = {r[0]: (r[1], r[2]) for r in rows}
    for cid, c in live.items():
        assert got[cid] == (c.get("email"), c.get("lastName"))
    order_ids = wh.ids("orders")
    assert len(order_ids) == len(set(order_ids))
    assert {o["id"] for o in shop.snapshot("orders")} <= set(order_ids)


def test_faults_mid_pagination_are_retried(shop, warehouse):
    shop.faults.rate_limit(3, retry_after=0.05)
    wh = warehouse("shop")
    shop.faults.random(p_429=0.1, p_5xx=0.15, p_drop=0.05, seed=5)
    # paged reads (what incremental syncs do); bulk first loads have their own tests
    counts = wh.run(source(shop, page_size=25, bulk=False, retry_policy=STORM_RETRY))
    shop.faults.clear()
    assert counts["customers"] == len(shop.snapshot("customers"))
    statuses = [r["status"] for r in shop.request_log]
    assert 429 in statuses and any(s >= 500 for s in statuses)


def test_dropped_connection_recovered(shop, warehouse):
    shop.faults.drop_connections(2)
    counts = warehouse("shop").run(source(shop))
    assert counts["orders"] == len(shop.snapshot("orders"))


def drain_the_bucket_when(handle, when):
    """Another app on the shop: empties the cost bucket before a query when
    `when(served, throttled)` says so. Returns the paths served and throttled."""
    serve, served, throttled = handle.simulator.handle, [], []

    def competing_app(req):
        served.append(req.path)
        if when(served, throttled):
            bucket = handle.simulator.bucket
            bucket.take(int(bucket.status()["currentlyAvailable"]))
        response = serve(req)
        if b'"THROTTLED"' in response.encoded():
            throttled.append(req.path)
        return response

    handle.simulator.handle = competing_app
    return served, throttled


def test_throttled_query_waits_for_bucket(world, warehouse, all_logs):
    handle = start_shop(world, token=CANARY, bucket_size=1000, restore_rate=200)
    # emptied as the first query arrives, not before the pipeline starts: on a slow
    # machine the bucket would refill while dlt sets up, and nothing would wait
    _, throttled = drain_the_bucket_when(handle, lambda served, throttled: not throttled)
    try:
        counts = warehouse("shop").run(source(handle, bulk=False).with_resources("customers"))
        assert counts["customers"] == len(handle.snapshot("customers"))
        assert len(throttled) == 1
        assert "HTTP 200 from" in all_logs.text  # the THROTTLED answer was retried
    finally:
        handle.stop()


def test_bad_token_is_a_clear_redacted_error(shop, warehouse, all_logs):
    bad = "shpat_WRONG_CANARY_5e5e5e"
    wh = warehouse("shop")
    with pytest.raises(PipelineStepFailed) as info:
        wh.run(source(shop, token=bad))
    err = source_error(info.value)
    assert (err.source, err.stream) == ("shop", "customers")
    assert "401" in str(err) and "graphql.json" in str(err)
    assert bad not in exception_text(info.value)
    assert bad not in all_logs.text


def test_a_throttled_storm_mid_pagination_is_waited_out(world, warehouse, all_logs):
    """Another app on the same shop keeps emptying the bucket: several queries in a row
    come back THROTTLED (HTTP 200 with an error), each is retried after the wait the
    bucket's throttleStatus implies, and the load still equals the shop."""
    handle = start_shop(world, token=CANARY, bucket_size=1000, restore_rate=2000)
    # after two pages, until three refusals
    _, throttled = drain_the_bucket_when(
        handle, lambda served, throttled: len(served) > 2 and len(throttled) < 3)
    try:
        counts = warehouse("shop").run(source(handle, bulk=False).with_resources("customers"))
        assert counts["customers"] == len(handle.snapshot("customers"))
        assert len(throttled) == 3, "three THROTTLED answers in a row"
        retried = [r for r in all_logs.records if "HTTP 200 from" in r.getMessage()]
        assert len(retried) == 3, "each THROTTLED answer was retried"
        assert CANARY not in all_logs.text
    finally:
        handle.stop()
