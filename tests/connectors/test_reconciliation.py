"""Full id listings (deletions, X followers) run on their own cadence, not on every sync.

An hourly sync must cost what the change costs; the listing that finds hard
deletions and unfollows costs the whole source, so it waits until the last
one is `reconcile_every` old, and can always be forced.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conn_helpers import FAST_RETRY

from connectors.deletions import reconciliation_due
from connectors.shop import shop_source
from connectors.social import social_source
from sandbox.simulators import start_shop, start_social

HOUR = timedelta(hours=1)
BRAND = "1000000000000000001"


def test_reconciliation_due_only_when_never_done_forced_or_old():
    now = datetime(2026, 1, 2, 12, tzinfo=UTC)
    assert reconciliation_due(None, HOUR, now)
    assert reconciliation_due((now - HOUR).isoformat(), None, now)
    assert reconciliation_due((now - HOUR).isoformat(), HOUR, now)
    assert not reconciliation_due((now - HOUR / 2).isoformat(), HOUR, now)


def _requests(handle) -> int:
    return len(handle.request_log)


def test_shop_deletions_wait_for_the_cadence_or_a_forced_check(world, warehouse):
    handle = start_shop(world, restore_rate=2000.0, bucket_size=40000.0)
    try:
        def sync(every):
            before = _requests(handle)
            wh.run(shop_source(handle.base_url, "shpat_sandbox", page_size=50,
                               retry_policy=FAST_RETRY, reconcile_every=every))
            return _requests(handle) - before

        wh = warehouse("shop")
        sync(HOUR)
        held = set(wh.ids("customers"))
        handle.mutate(deleted=6, seed=21)
        gone = held - {c["id"] for c in handle.snapshot("customers")}
        assert gone

        cadenced = sync(HOUR)
        assert wh.query("select count(*) from raw_shop.deletions") == [(0,)], \
            "the first sync just read everything: no listing due an hour later"
        forced = sync(None)
        recorded = {i for (i,) in wh.query("select id from raw_shop.deletions")}
        assert recorded == gone
        # the forced sync listed customer and order ids; the cadenced one did not
        assert forced >= cadenced + 2
    finally:
        handle.stop()


def test_followers_sync_stops_at_the_last_head_until_a_full_reread(world, warehouse):
    handle = start_social(world, token="x_tok", rate_limits={"followers": 1000})
    try:
        def sync(every):
            before = [r for r in handle.request_log if "/followers" in r["path"]]
            wh.run(social_source(handle.base_url, "x_tok", followers_page_size=5,
                                 retry_policy=FAST_RETRY, reconcile_every=every)
                   .with_resources("users"))
            after = [r for r in handle.request_log if "/followers" in r["path"]]
            return len(after) - len(before)

        wh = warehouse("social")
        full_pages = sync(HOUR)
        assert full_pages > 3, "the world should need several follower pages"

        handle.mutate(new=5, updated=0, deleted=0, seed=6)
        followers = {u["id"] for u in handle.snapshot("users") if u["id"] != BRAND}
        incremental_pages = sync(HOUR)
        assert incremental_pages <= 2, "new followers sit at the head: one or two pages"
        assert followers <= set(wh.ids("users")), "every follower, old and new, is loaded"

        assert sync(None) >= full_pages, "a forced re-read reads every page again"
        ids = wh.ids("users")
        assert len(ids) == len(set(ids))
    finally:
        handle.stop()
