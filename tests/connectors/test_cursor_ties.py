"""Cursor ties at page boundaries: equal timestamps, late same-second updates, inserts.

Shopify `updatedAt`, Odoo `write_date` and Mailchimp `last_changed` have
one-second precision, so many records share the cursor value the next sync
starts from. Here 25 records get the same stamp one hour after everything
else, pages hold 7, so page boundaries fall inside the tie and the stored
cursor is the tie itself. Then, at that same second, some tied records change
again (a late write the first sync could not have seen), new records appear,
and a few move one second later. The second sync must lose nothing and
duplicate nothing. (X reads mentions by since_id, an id, not a timestamp.)
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from conn_helpers import FAST_RETRY
from sim_compare import assert_raw_matches

from connectors.email import email_source
from connectors.erp import erp_source
from connectors.shop import shop_source
from sandbox.simulators import start_email, start_erp, start_shop
from sandbox.simulators.mutation import numeric_id
from sandbox.simulators.timefmt import parse_ts

TIED, PAGE = 25, 7


def _shop_stamp(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _odoo_stamp(dt):
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def _mc_stamp(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")


# source -> (simulator, collection, cursor field, stamp format, field edited, new record, source)
CASES = {
    "shop": (
        lambda w: start_shop(w, token="t", bucket_size=20000, restore_rate=20000),
        "customers", "updatedAt", _shop_stamp, "lastName",
        lambda doc, n: {**doc, "id": f"gid://shopify/Customer/{n}",
                        "email": f"tie{n}@example.com"},
        lambda h: shop_source(h.root_url, "t", page_size=PAGE, retry_policy=FAST_RETRY,
                              detect_deletions=False).with_resources("customers"),
    ),
    "erp": (
        lambda w: start_erp(w, api_key="k"),
        "res.partner", "write_date", _odoo_stamp, "name",
        lambda doc, n: {**doc, "id": n, "email": f"tie{n}@example.com"},
        lambda h: erp_source(h.base_url, "cdp", "admin", "k", page_size=PAGE,
                             retry_policy=FAST_RETRY).with_resources("partners"),
    ),
    "email": (
        lambda w: start_email(w, api_key="key-us1"),
        "members", "last_changed", _mc_stamp, "status",
        None,  # a new member is keyed by the md5 of its address: built below
        lambda h: email_source(h.base_url, "key-us1", "a1b2c3d4e5", page_size=PAGE,
                               retry_policy=FAST_RETRY).with_resources("members"),
    ),
}
TABLE = {"shop": "customers", "erp": "partners", "email": "members"}


def _new_member(doc, n):
    import hashlib

    address = f"tie{n}@example.com"
    return {**doc, "id": hashlib.md5(address.encode()).hexdigest(), "email_address": address,
            "web_id": n, "unique_email_id": f"u{n}"}


def _edit(doc, field, n):
    if field == "status":
        flipped = "subscribed" if doc["status"] == "unsubscribed" else "unsubscribed"
        return {**doc, "status": flipped}
    return {**doc, field: f"Late {n}"}


@pytest.mark.parametrize("source_name", list(CASES))
def test_ties_across_pages_lose_nothing(world, warehouse, source_name):
    start, coll, cursor, fmt, field, new_doc, make_source = CASES[source_name]
    new_doc = new_doc or _new_member
    handle = start(world)
    try:
        store = handle.simulator.store
        docs = handle.snapshot(coll)
        latest = max(parse_ts(d[cursor]) for d in docs if d.get(cursor))
        tie = latest + timedelta(hours=1)
        tied = [{**d, cursor: fmt(tie)} for d in docs[:TIED]]
        for doc in tied:
            store.put(coll, doc)
        wh = warehouse(source_name)
        first = wh.run(make_source(handle))
        assert first[TABLE[source_name]] == len(docs)
        assert_raw_matches(wh.query, handle.snapshot, source_name, (TABLE[source_name],))

        # the same second again: late writes to tied records, and new records
        next_id = max(numeric_id(d["web_id"] if source_name == "email" else d["id"])
                      for d in docs) + 1
        for i, doc in enumerate(tied[3:9]):
            store.put(coll, _edit(doc, field, i))
        for i in range(4):
            store.put(coll, {**new_doc(docs[-1], next_id + i), cursor: fmt(tie)})
        # and one second later
        for i, doc in enumerate(tied[12:15]):
            store.put(coll, {**_edit(doc, field, 100 + i), cursor: fmt(tie + timedelta(seconds=1))})
        wh.run(make_source(handle))
        assert_raw_matches(wh.query, handle.snapshot, source_name, (TABLE[source_name],))
    finally:
        handle.stop()
