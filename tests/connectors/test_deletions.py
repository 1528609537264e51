"""Hard deletions in Shopify and Odoo are recorded, once, and the raw rows stay for audit."""

from __future__ import annotations

from conn_helpers import FAST_RETRY

from connectors.erp import erp_source
from connectors.shop import shop_source
from sandbox.simulators import start_erp, start_shop


def recorded(wh, source: str) -> list[tuple]:
    """The deletions table's rows (the table exists from the first sync on)."""
    return wh.query(f"select stream, id, detected_at from raw_{source}.deletions order by 1, 2")


def _shop(handle):
    return shop_source(handle.base_url, "shpat_sandbox", page_size=50, retry_policy=FAST_RETRY)


def test_deleted_shop_customers_are_recorded_and_kept(world, warehouse):
    handle = start_shop(world, restore_rate=2000.0, bucket_size=40000.0)
    try:
        wh = warehouse("shop")
        wh.run(_shop(handle))
        assert recorded(wh, "shop") == []
        held = set(wh.ids("customers"))
        summary = handle.mutate(deleted=6, seed=21)
        live = {c["id"] for c in handle.snapshot("customers")}
        gone = held - live
        assert gone and summary["customers"]["deleted"] == len(gone)
        wh.run(_shop(handle))
        first = recorded(wh, "shop")
        assert {(s, i) for s, i, _ in first} == {("customers", i) for i in gone}
        assert gone <= set(wh.ids("customers")), "deleted records stay in the raw table"
        wh.run(_shop(handle))
        assert recorded(wh, "shop") == first, "a deletion is recorded once"
    finally:
        handle.stop()


def test_unlinked_partners_are_recorded_and_archived_ones_are_not(world, warehouse):
    handle = start_erp(world)
    try:
        def source():
            # id listings ask for ten times `page_size`: 4 makes them span pages too
            return erp_source(handle.base_url, "cdp", "admin", "odoo_sandbox_key",
                              page_size=4, retry_policy=FAST_RETRY)

        wh = warehouse("erp")
        wh.run(source())
        held = {str(i) for i in wh.ids("partners")}
        assert len(held) > 40, "the partners' id listing spans pages"
        archived_sql = "select id from raw_erp.partners where active = false"
        archived_before = {str(i) for (i,) in wh.query(archived_sql)}
        handle.mutate(deleted=12, seed=5)
        live = {str(p["id"]) for p in handle.snapshot("res.partner")}
        unlinked = held - live
        assert unlinked, "the change set unlinked no partner"
        wh.run(source())
        deleted = {i for s, i, _ in recorded(wh, "erp") if s == "partners"}
        assert deleted == unlinked
        newly_archived = {str(i) for (i,) in wh.query(archived_sql)} - archived_before
        assert newly_archived, "the change set archived no partner"
        assert not (newly_archived & deleted), "archiving is an update, not a deletion"
    finally:
        handle.stop()


def test_deletion_detection_can_be_switched_off(world):
    handle = start_shop(world)
    try:
        on = shop_source(handle.base_url, "shpat_sandbox")
        off = shop_source(handle.base_url, "shpat_sandbox", detect_deletions=False)
        assert "deletions" in on.resources
        assert "deletions" not in off.resources
    finally:
        handle.stop()
