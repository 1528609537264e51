"""Odoo connector (JSON-RPC and JSON-2) against the Odoo simulator on loopback."""

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

from connectors.erp import erp_source
from sandbox.simulators import start_erp

CANARY = "odoo_CANARY_key_3b1d77aa"
TABLES = {
    "partners": "res.partner",
    "sale_orders": "sale.order",
    "sale_order_lines": "sale.order.line",
    "invoices": "account.move",
    "blacklist": "mail.blacklist",
}


@pytest.fixture
def erp(world):
    handle = start_erp(world, api_key=CANARY)
    yield handle
    handle.stop()


def source(handle, transport="jsonrpc", key=CANARY, **kw):
    kw.setdefault("page_size", 30)
    kw.setdefault("retry_policy", FAST_RETRY)
    return erp_source(
        handle.base_url, "cdp", "admin", key, transport=transport, **kw
    )


def _invoices(handle):
    return [m for m in handle.snapshot("account.move") if m.get("move_type") == "out_invoice"]


@pytest.mark.parametrize("transport", ["jsonrpc", "json2"])
def test_full_load_matches_simulator(erp, warehouse, all_logs, transport):
    wh = warehouse("erp")
    counts = wh.run(source(erp, transport))
    for table, model in TABLES.items():
        snap = _invoices(erp) if model == "account.move" else erp.snapshot(model)
        assert counts.get(table, 0) == len(snap), table
        assert sorted(wh.ids(table)) == sorted(r["id"] for r in snap), table
    partners = erp.snapshot("res.partner")
    assert len(partners) > 30  # several pages
    archived = [p for p in partners if p.get("active") is False]
    assert archived, "world should hold archived partners"
    expected = [
        (
            p["id"],
            p["email"] or None,
            p["parent_id"][0] if p.get("parent_id") else None,
            p["parent_id"][1] if p.get("parent_id") else None,
            p["active"],
        )
        for p in partners
    ]
    loaded = wh.query(
        "select id, email, parent_id, parent_id__name, active from raw_erp.partners"
    )
    assert checksum(loaded) == checksum(expected)
    cols = wh.columns("sale_orders")
    assert {"partner_id", "partner_id__name", "currency_id", "currency_id__name"} <= set(cols)
    assert CANARY not in all_logs.text
    assert files_containing(wh.path, CANARY) == []


def test_false_becomes_null_and_timestamps_parse(erp, warehouse):
    wh = warehouse("erp")
    wh.run(source(erp))
    no_email = [p["id"] for p in erp.snapshot("res.partner") if p.get("email") is False]
    if no_email:
        rows = wh.query(f"select email from raw_erp.partners where id = {no_email[0]}")
        assert rows == [(None,)]
    types = dict(wh.query(
        "select column_name, data_type from information_schema.columns "
        "where table_schema='raw_erp' and table_name='partners'"
    ))
    assert types["write_date"].startswith("TIMESTAMP")
    assert types["is_company"] == "BOOLEAN"


def test_incremental_second_run_and_changes(erp, warehouse):
    wh = warehouse("erp")
    wh.run(source(erp))
    assert wh.run(source(erp)) == {}
    erp.mutate(new=4, updated=6, deleted=1, seed=2)
    counts = wh.run(source(erp))
    assert sum(counts.values()) > 0
    for table, model in TABLES.items():
        ids = wh.ids(table)
        assert len(ids) == len(set(ids)), table
        snap = _invoices(erp) if model == "account.move" else erp.snapshot(model)
        assert {r["id"] for r in snap} <= set(ids), table
    live = {p["id"]: p for p in erp.snapshot("res.partner")}
    got = dict(wh.query("select id, name from raw_erp.partners"))
    assert all(got[i] == p["name"] for i, p in live.items())


def test_faults_are_retried(erp, warehouse):
    erp.faults.rate_limit(3, retry_after=0)
    erp.faults.random(p_429=0.1, p_5xx=0.15, p_drop=0.05, seed=9)
    counts = warehouse("erp").run(source(erp, page_size=20, retry_policy=STORM_RETRY))
    erp.faults.clear()
    assert counts["partners"] == len(erp.snapshot("res.partner"))


@pytest.mark.parametrize("transport", ["jsonrpc", "json2"])
def test_bad_key_is_a_clear_redacted_error(erp, warehouse, all_logs, transport):
    bad = "odoo_WRONG_CANARY_7777"
    with pytest.raises(PipelineStepFailed) as info:
        warehouse("erp").run(source(erp, transport, key=bad).with_resources("partners"))
    err = source_error(info.value)
    assert (err.source, err.stream) == ("erp", "partners")
    assert ("authentication failed" in str(err)) if transport == "jsonrpc" else (
        "Unauthorized" in str(err)
    )
    assert bad not in exception_text(info.value)
    assert bad not in all_logs.text


def test_odoo_exception_name_in_error(erp, warehouse):
    src = source(erp)
    erp.simulator.db = "other"  # every call now fails inside Odoo
    with pytest.raises(PipelineStepFailed) as info:
        warehouse("erp").run(src.with_resources("blacklist"))
    assert "psycopg2.OperationalError" in str(source_error(info.value))


def test_a_record_deleted_mid_read_does_not_hide_another(erp):
    """Keyset pages: removing an already-read record cannot shift a later one out of the read."""
    first = min(erp.snapshot("res.partner"), key=lambda p: (p["write_date"], p["id"]))
    serve = erp.simulator.handle
    partner_reads: list[bytes] = []

    def serve_then_delete(req):
        response = serve(req)
        if b"res.partner" in req.body and b"search_read" in req.body:
            partner_reads.append(req.body)
            if len(partner_reads) == 1:  # page one is served, page two not yet asked for
                erp.simulator.store.delete("res.partner", str(first["id"]))
        return response

    erp.simulator.handle = serve_then_delete
    partners = erp_source(erp.base_url, "cdp", "admin", CANARY, page_size=10,
                          retry_policy=FAST_RETRY).resources["partners"]
    seen = [i for batch in partners for i in _ids(batch)]
    assert len(partner_reads) > 2, "the read spans pages"
    assert first["id"] in seen
    live = {p["id"] for p in erp.snapshot("res.partner")}
    assert live <= set(seen), f"skipped: {sorted(live - set(seen))}"
    assert len(seen) == len(set(seen))


def _ids(item):
    """Ids in what a resource yields: an Arrow batch, a list of rows or one row."""
    if hasattr(item, "column"):
        return item.column("id").to_pylist()
    return [row["id"] for row in (item if isinstance(item, list) else [item])]


def test_an_empty_model_reads_as_no_rows(erp):
    """A first page with nothing in it ends the read (no keyset to continue from)."""
    for record in erp.snapshot("mail.blacklist"):
        erp.simulator.store.delete("mail.blacklist", str(record["id"]))
    blacklist = erp_source(erp.base_url, "cdp", "admin", CANARY, page_size=10,
                           retry_policy=FAST_RETRY).resources["blacklist"]
    assert list(blacklist) == []


def _line_rows(wh, where=""):
    return wh.query(
        "select id, order_id, order_id__name, sequence, product_id, product_id__name, name, "
        "product_uom_qty, price_unit, price_subtotal, price_total, currency_id__name, "
        f"display_type from raw_erp.sale_order_lines {where} order by id"
    )


@pytest.mark.parametrize("transport", ["jsonrpc", "json2"])
def test_sale_order_lines_land_typed_with_their_many2ones(erp, warehouse, transport):
    wh = warehouse("erp")
    wh.run(source(erp, transport))
    snap = sorted(erp.snapshot("sale.order.line"), key=lambda x: x["id"])
    assert len(snap) > 30  # several pages
    expected = [
        (x["id"], x["order_id"][0], x["order_id"][1], x["sequence"],
         x["product_id"][0] if x["product_id"] else None,
         x["product_id"][1] if x["product_id"] else None, x["name"], x["product_uom_qty"],
         x["price_unit"], x["price_subtotal"], x["price_total"], x["currency_id"][1],
         x["display_type"] or None)
        for x in snap
    ]
    assert _line_rows(wh) == expected
    types = dict(wh.query(
        "select column_name, data_type from information_schema.columns "
        "where table_schema='raw_erp' and table_name='sale_order_lines'"
    ))
    assert types["order_id"] == types["product_id"] == types["sequence"] == "BIGINT"
    assert types["product_uom_qty"] == types["price_subtotal"] == "DOUBLE"
    assert types["write_date"].startswith("TIMESTAMP")
    assert types["display_type"] == types["product_id__name"] == "VARCHAR"
    # every loaded line belongs to a loaded order, and adds up with its siblings
    orphans = wh.query("select count(*) from raw_erp.sale_order_lines l left join "
                       "raw_erp.sale_orders o on o.id = l.order_id where o.id is null")
    assert orphans == [(0,)]
    off = wh.query(
        "select o.id from raw_erp.sale_orders o join raw_erp.sale_order_lines l "
        "on l.order_id = o.id group by o.id, o.amount_untaxed "
        "having round(sum(l.price_subtotal), 2) != round(o.amount_untaxed, 2)")
    assert off == []


def test_sale_order_lines_incremental_merge_and_unlink(erp, warehouse):
    wh = warehouse("erp")
    wh.run(source(erp))
    assert wh.run(source(erp)) == {}  # nothing changed: nothing new read
    lines = erp.snapshot("sale.order.line")
    newest = max(x["write_date"] for x in lines)
    changed = dict(min(lines, key=lambda x: x["id"]))
    changed.update(product_uom_qty=changed["product_uom_qty"] + 1.0,
                   price_subtotal=round(changed["price_subtotal"] + changed["price_unit"], 2),
                   write_date="2025-07-01 09:00:00")
    assert changed["write_date"] > newest
    erp.simulator.store.put("sale.order.line", changed)
    gone = max(erp.snapshot("sale.order"), key=lambda so: so["id"])
    assert gone["order_line"]
    erp.simulator.delete_record("sale.order", str(gone["id"]))
    counts = wh.run(source(erp))
    assert counts.get("sale_order_lines") == 1  # only the changed line is read again
    ids = wh.ids("sale_order_lines")
    assert len(ids) == len(set(ids)) == len(lines)  # merged on id; unlinked rows stay
    row = wh.query("select product_uom_qty, price_subtotal from raw_erp.sale_order_lines "
                   f"where id = {changed['id']}")
    assert row == [(changed["product_uom_qty"], changed["price_subtotal"])]
    deleted = wh.query("select stream, id from raw_erp.deletions order by stream, id")
    assert sorted(deleted) == sorted(
        [("sale_order_lines", str(i)) for i in gone["order_line"]]
        + [("sale_orders", str(gone["id"]))])
