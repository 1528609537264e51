"""Odoo simulator: JSON-RPC and JSON-2, domains, archived records, errors."""

from __future__ import annotations

import requests
from sim_world import read

KEY = "odoo_sandbox_key"
JSON2 = {"Authorization": f"bearer {KEY}", "X-Odoo-Database": "cdp"}


def rpc(handle, service: str, method: str, *args):
    body = {"jsonrpc": "2.0", "method": "call", "id": 3,
            "params": {"service": service, "method": method, "args": list(args)}}
    return requests.post(handle.base_url + "/jsonrpc", json=body, timeout=10).json()


def kw(handle, model: str, method: str, args: list, kwargs: dict | None = None, key: str = KEY):
    return rpc(handle, "object", "execute_kw", "cdp", 2, key, model, method, args, kwargs or {})


def json2(handle, model: str, method: str, body: dict, headers: dict | None = None):
    return requests.post(f"{handle.base_url}/json/2/{model}/{method}", json=body,
                         headers=JSON2 if headers is None else headers, timeout=10)


def test_authenticate_returns_uid_or_false(erp):
    assert rpc(erp, "common", "authenticate", "cdp", "admin", KEY, {})["result"] == 2
    assert rpc(erp, "common", "authenticate", "cdp", "admin", "wrong", {})["result"] is False


def test_execute_kw_with_bad_password_is_access_denied(erp):
    body = kw(erp, "res.partner", "search_read", [[]], key="wrong")
    assert body["id"] == 3 and "result" not in body
    assert body["error"]["code"] == 200
    assert body["error"]["message"] == "Odoo Server Error"
    data = body["error"]["data"]
    assert data["name"] == "odoo.exceptions.AccessDenied"
    assert data["arguments"] == ["Access Denied"] and data["context"] == {}
    assert KEY not in str(body)


def test_keyset_paging_on_write_date_and_id_reads_every_active_partner(erp, world):
    seen, cursor = [], ("", 0)
    while True:
        domain = ["|", ["write_date", ">", cursor[0]],
                  "&", ["write_date", "=", cursor[0]], ["id", ">", cursor[1]]]
        page = kw(erp, "res.partner", "search_read", [domain],
                  {"fields": ["write_date"], "limit": 37, "order": "write_date asc, id asc"})
        rows = page["result"]
        if not rows:
            break
        assert all(set(r) == {"id", "write_date"} for r in rows)
        seen += [r["id"] for r in rows]
        cursor = (rows[-1]["write_date"], rows[-1]["id"])
    active = {p["id"] for p in read(world, "erp/res.partner.jsonl") if p["active"]}
    assert len(seen) == len(set(seen)) and set(seen) == active


def test_write_date_ties_are_all_returned_with_inclusive_bound(erp, world):
    stamp = "2025-01-01 00:00:10"
    rows = kw(erp, "res.partner", "search_read",
              [[["write_date", ">=", stamp], ["write_date", "<=", stamp]]], {"fields": ["id"]})
    want = {p["id"] for p in read(world, "erp/res.partner.jsonl")
            if p["write_date"] == stamp and p["active"]}
    assert len(want) == 4 and {r["id"] for r in rows["result"]} == want


def test_archived_partners_only_when_domain_mentions_active(erp, world):
    partners = read(world, "erp/res.partner.jsonl")
    default = kw(erp, "res.partner", "search_count", [[]])["result"]
    both = kw(erp, "res.partner", "search_count", [[["active", "in", [True, False]]]])["result"]
    archived = kw(erp, "res.partner", "search", [[["active", "=", False]]])["result"]
    assert default == sum(p["active"] for p in partners)
    assert both == len(partners)
    assert set(archived) == {p["id"] for p in partners if not p["active"]}


def test_domain_operators(erp):
    def ids(domain):
        return kw(erp, "res.partner", "search", [domain], {"order": "id asc"})["result"]

    assert ids([["parent_id", "=", 7], ["id", "<", 40]]) == [11, 22, 33]
    assert ids(["!", ["id", ">", 3]]) == [1, 2, 3]
    assert ids(["|", ["id", "=", 1], ["id", "=", 2]]) == [1, 2]
    assert ids([["id", "in", [4, 5, 999]]]) == [4, 5]
    assert ids([["name", "=like", "Partner 1_"], ["id", "<", 13]]) == [10, 11, 12]
    assert ids([["name", "ilike", "PARTNER 12"], ["id", "<", 125]]) == [12, 120, 121, 122, 123, 124]
    assert ids([["name", "like", "PARTNER 12"]]) == []
    assert ids([["email", "=", False], ["id", "<", 16]]) == [5, 10, 15]
    assert ids([["country_id", "=", "Germany"], ["id", "<", 3]]) == [1, 2]


def test_read_and_fields_get(erp):
    rows = kw(erp, "res.partner", "read", [[2, 1]], {"fields": ["email", "country_id"]})["result"]
    assert rows == [{"id": 2, "email": "p2@example.com", "country_id": [57, "Germany"]},
                    {"id": 1, "email": "p1@example.com", "country_id": [57, "Germany"]}]
    meta = kw(erp, "res.partner", "fields_get", [], {"attributes": ["type"]})["result"]
    assert meta["parent_id"] == {"type": "many2one"} and meta["active"] == {"type": "boolean"}


def test_unknown_field_and_model_are_errors(erp):
    bad_field = kw(erp, "res.partner", "search_read", [[["nope", "=", 1]]])
    assert bad_field["error"]["data"]["name"] == "builtins.ValueError"
    assert "nope" in bad_field["error"]["data"]["message"]
    assert "error" in kw(erp, "res.nope", "search_read", [[]])


def test_json2_returns_bare_results(erp, world):
    resp = json2(erp, "sale.order", "search_read",
                 {"domain": [["partner_id", "in", [1, 2, 3]]], "fields": ["name", "partner_id"],
                  "order": "id asc"})
    assert resp.status_code == 200
    assert resp.json() == [{"id": n, "name": f"S{n:05d}", "partner_id": [n, f"Partner {n}"]}
                           for n in (1, 2, 3)]
    count = json2(erp, "account.move", "search_count", {"domain": []}).json()
    assert count == len(read(world, "erp/account.move.jsonl"))


def test_json2_errors_use_http_status_and_error_object(erp):
    unauth = json2(erp, "res.partner", "search_read", {}, headers={"Authorization": "bearer x"})
    assert unauth.status_code == 401
    body = unauth.json()
    assert body["name"] == "werkzeug.exceptions.Unauthorized"
    assert body["message"] == "Invalid apikey" and body["arguments"] == ["Invalid apikey", 401]
    missing = json2(erp, "res.nope", "search_read", {})
    assert missing.status_code == 404 and "does not exist" in missing.json()["message"]
    bad = json2(erp, "res.partner", "search_read", {"domain": [["nope", "=", 1]]})
    assert bad.status_code == 500 and bad.json()["name"] == "builtins.ValueError"


def test_an_empty_model_still_has_its_fields(tmp_path):
    """Real Odoo knows mail.blacklist's fields before the first opt-out is recorded."""
    from sandbox.simulators import start_erp

    (tmp_path / "erp").mkdir()
    (tmp_path / "erp" / "mail.blacklist.jsonl").write_text("")
    handle = start_erp(tmp_path)
    try:
        body = kw(handle, "mail.blacklist", "search_read", [[["active", "in", [True, False]]]],
                  {"fields": ["email", "active", "write_date"]})
        assert body.get("result") == [], body
        fields = kw(handle, "mail.blacklist", "fields_get", [], {})["result"]
        assert fields["email"]["type"] == "char"
        assert fields["active"]["type"] == "boolean"
    finally:
        handle.stop()


LINE_FIELDS = ["order_id", "sequence", "product_id", "name", "product_uom_qty", "price_unit",
               "price_subtotal", "price_total", "currency_id", "display_type", "write_date"]


def test_sale_order_lines_read_the_same_over_both_transports(erp, world):
    domain = [["order_id", "in", [10, 11]]]
    order = "order_id asc, sequence asc, id asc"
    rpc_rows = kw(erp, "sale.order.line", "search_read", [domain],
                  {"fields": LINE_FIELDS, "order": order})["result"]
    json2_rows = json2(erp, "sale.order.line", "search_read",
                       {"domain": domain, "fields": LINE_FIELDS, "order": order}).json()
    assert rpc_rows == json2_rows
    assert [(r["order_id"], r["sequence"]) for r in rpc_rows] == [
        ([10, "S00010"], 10), ([10, "S00010"], 11), ([10, "S00010"], 12),
        ([11, "S00011"], 10), ([11, "S00011"], 11)]
    section, shirt = rpc_rows[0], rpc_rows[1]
    # a section heading has no product: Odoo's `false`, not null, and a display_type
    assert section["product_id"] is False and section["display_type"] == "line_section"
    assert shirt == {"id": shirt["id"], "order_id": [10, "S00010"], "sequence": 11,
                     "product_id": [1, "[TSH-001] T-Shirt"], "name": "[TSH-001] T-Shirt",
                     "product_uom_qty": 1.0, "price_unit": 6.0, "price_subtotal": 6.0,
                     "price_total": 7.14, "currency_id": [1, "EUR"], "display_type": False,
                     "write_date": "2025-01-01 00:00:10"}
    held = {line["id"]: line for line in read(world, "erp/sale.order.line.jsonl")}
    assert all(held[r["id"]]["order_id"][0] in (10, 11) for r in rpc_rows)
    assert len(rpc_rows) == sum(line["order_id"][0] in (10, 11) for line in held.values())


def test_sale_order_lines_page_by_write_date_and_id_with_limit_and_offset(erp, world):
    stamp = "2025-01-01 00:01:40"  # order 100 and after
    want = sorted((line["write_date"], line["id"])
                  for line in read(world, "erp/sale.order.line.jsonl")
                  if line["write_date"] >= stamp)
    for transport in ("jsonrpc", "json2"):
        seen, offset = [], 0
        while True:
            args = {"domain": [["write_date", ">=", stamp]], "fields": ["write_date"],
                    "order": "write_date asc, id asc", "limit": 23, "offset": offset}
            if transport == "jsonrpc":
                page = kw(erp, "sale.order.line", "search_read", [args.pop("domain")],
                          args)["result"]
            else:
                page = json2(erp, "sale.order.line", "search_read", args).json()
            if not page:
                break
            assert all(set(r) == {"id", "write_date"} for r in page)
            seen += [(r["write_date"], r["id"]) for r in page]
            offset += len(page)
        assert seen == want, transport
    assert kw(erp, "sale.order.line", "search_count",
              [[["write_date", ">=", stamp]]])["result"] == len(want)


def test_sale_order_lines_default_order_fields_and_the_order_one2many(erp, world):
    ids = kw(erp, "sale.order.line", "search", [[["order_id", "in", [3, 1, 2]]]])["result"]
    lines = {line["id"]: line for line in read(world, "erp/sale.order.line.jsonl")}
    # Odoo's _order for sale.order.line: order_id, sequence, id
    assert [(lines[i]["order_id"][0], lines[i]["sequence"]) for i in ids] == [
        (1, 10), (1, 11), (2, 10), (2, 11), (3, 10), (3, 11)]
    meta = kw(erp, "sale.order.line", "fields_get", [], {"attributes": ["type"]})["result"]
    assert meta["order_id"] == meta["product_id"] == {"type": "many2one"}
    assert meta["product_uom_qty"] == meta["price_subtotal"] == {"type": "float"}
    assert meta["sequence"] == {"type": "integer"}
    order_meta = kw(erp, "sale.order", "fields_get", [], {"attributes": ["type"]})["result"]
    assert order_meta["order_line"] == {"type": "one2many"}
    so = kw(erp, "sale.order", "read", [[10]], {"fields": ["order_line", "amount_untaxed"]})
    order_line = so["result"][0]["order_line"]
    assert order_line == [i for i, line in lines.items() if line["order_id"][0] == 10]
    subtotals = kw(erp, "sale.order.line", "read", [order_line], {"fields": ["price_subtotal"]})
    assert sum(r["price_subtotal"] for r in subtotals["result"]) == 10.0


def test_unlinking_a_sale_order_unlinks_its_lines(erp):
    def count(model, domain):
        return kw(erp, model, "search_count", [domain])["result"]

    before = count("sale.order.line", [])
    mine = count("sale.order.line", [["order_id", "=", 20]])
    assert mine == 3
    assert erp.simulator.delete_record("sale.order", "20") is True
    assert count("sale.order", [["id", "=", 20]]) == 0
    assert count("sale.order.line", [["order_id", "=", 20]]) == 0
    assert count("sale.order.line", []) == before - mine
    # unlinking something else leaves the lines alone
    assert erp.simulator.delete_record("account.move", "21") is True
    assert count("sale.order.line", [["order_id", "=", 21]]) == 2
