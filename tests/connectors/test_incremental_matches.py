"""Incremental sync after inserts, updates and deletes in the world, for every connector.

The world's own change set (new people, edits, Shopify and Odoo deletions,
Odoo archiving) is applied between two syncs; the second, incremental sync must
leave every raw table equal to the simulator: changed values merged, new rows
in, nothing duplicated, and deleted records recorded in raw_<source>.deletions.
"""

from __future__ import annotations

import pytest
from conn_helpers import FAST_RETRY
from sim_compare import assert_raw_matches

from connectors.email import email_source
from connectors.erp import erp_source
from connectors.shop import shop_source
from connectors.social import social_source
from sandbox.simulators import start_email, start_erp, start_shop, start_social

CASES = {
    "shop": (lambda w: start_shop(w, token="t", bucket_size=20000, restore_rate=20000),
             lambda h: shop_source(h.root_url, "t", page_size=40, retry_policy=FAST_RETRY)),
    "erp": (lambda w: start_erp(w, api_key="k"),
            lambda h: erp_source(h.base_url, "cdp", "admin", "k", page_size=30,
                                 retry_policy=FAST_RETRY)),
    "email": (lambda w: start_email(w, api_key="key-us1"),
              lambda h: email_source(h.base_url, "key-us1", "a1b2c3d4e5", page_size=40,
                                     retry_policy=FAST_RETRY)),
    "social": (lambda w: start_social(w, token="t"),
               lambda h: social_source(h.base_url, "t", page_size=20, followers_page_size=20,
                                       retry_policy=FAST_RETRY, max_rate_limit_wait=5)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_incremental_after_inserts_updates_deletes_matches(world, warehouse, name):
    start, make_source = CASES[name]
    handle = start(world)
    try:
        wh = warehouse(name)
        wh.run(make_source(handle))
        assert_raw_matches(wh.query, handle.snapshot, name)
        summary = handle.mutate(new=6, updated=10, deleted=3, seed=21)
        assert any(v for k, v in summary.items() if k != "now"), "the world changed"
        wh.run(make_source(handle))
        assert_raw_matches(wh.query, handle.snapshot, name)
    finally:
        handle.stop()
