"""Raw tables versus what a simulator serves: every stream, counts and per-row checksums.

Each source lists, per raw table, a SQL projection of the loaded rows and the
same projection computed from the simulator's live records. Timestamps are
compared as epoch seconds so a text `...Z` and a DuckDB TIMESTAMPTZ agree.
Tests end with `assert_raw_matches(...)`: a lost row, a duplicate, a stale
value or a row that should not be there all fail it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conn_helpers import checksum

from sandbox.simulators.timefmt import parse_ts

BRAND = "1000000000000000001"
Query = Callable[[str], list[tuple]]
Snapshot = Callable[[str], list[dict]]


def epoch(value: Any) -> int | None:
    stamp = parse_ts(value)
    return int(stamp.timestamp()) if stamp else None


def _e(column: str) -> str:
    return f"cast(epoch({column}) as bigint)"


def _falsy_none(value: Any) -> Any:
    """Odoo's `false` for an empty field is NULL in the warehouse."""
    return None if value is False else value


def shop(snap: Snapshot) -> dict[str, tuple[str, list[tuple]]]:
    customers, orders = snap("customers"), snap("orders")
    items = [(o["id"], li["id"], li.get("quantity")) for o in orders
             for li in (o.get("lineItems") or {}).get("nodes", [])]
    return {
        "customers": (
            f"select id, email, first_name, last_name, number_of_orders, {_e('updated_at')} "
            "from raw_shop.customers",
            [(c["id"], c.get("email"), c.get("firstName"), c.get("lastName"),
              int(c["numberOfOrders"]) if c.get("numberOfOrders") is not None else None,
              epoch(c["updatedAt"])) for c in customers],
        ),
        "orders": (
            f"select id, name, email, total_price_set__shop_money__amount, {_e('updated_at')} "
            "from raw_shop.orders",
            [(o["id"], o.get("name"), o.get("email"),
              o["totalPriceSet"]["shopMoney"]["amount"], epoch(o["updatedAt"])) for o in orders],
        ),
        "orders__line_items": (
            "select order_id, id, quantity from raw_shop.orders__line_items",
            items,
        ),
    }


def erp(snap: Snapshot) -> dict[str, tuple[str, list[tuple]]]:
    invoices = [m for m in snap("account.move") if m.get("move_type") == "out_invoice"]
    return {
        "partners": (
            f"select id, name, email, active, {_e('write_date')} from raw_erp.partners",
            [(p["id"], p["name"], _falsy_none(p.get("email")), p.get("active"),
              epoch(p["write_date"])) for p in snap("res.partner")],
        ),
        "sale_orders": (
            f"select id, name, amount_total, state, {_e('write_date')} from raw_erp.sale_orders",
            [(s["id"], s["name"], s.get("amount_total"), _falsy_none(s.get("state")),
              epoch(s["write_date"])) for s in snap("sale.order")],
        ),
        "sale_order_lines": (
            "select id, order_id, product_id__name, product_uom_qty, price_subtotal, "
            f"{_e('write_date')} from raw_erp.sale_order_lines",
            [(x["id"], x["order_id"][0], x["product_id"][1] if x.get("product_id") else None,
              x.get("product_uom_qty"), x.get("price_subtotal"), epoch(x["write_date"]))
             for x in snap("sale.order.line")],
        ),
        "invoices": (
            f"select id, name, amount_total, payment_state, {_e('write_date')} "
            "from raw_erp.invoices",
            [(m["id"], m["name"], m.get("amount_total"), _falsy_none(m.get("payment_state")),
              epoch(m["write_date"])) for m in invoices],
        ),
        "blacklist": (
            f"select id, email, active, {_e('write_date')} from raw_erp.blacklist",
            [(b["id"], b["email"], b.get("active"), epoch(b["write_date"]))
             for b in snap("mail.blacklist")],
        ),
    }


def email(snap: Snapshot) -> dict[str, tuple[str, list[tuple]]]:
    campaigns = snap("campaigns")
    sent_at = {c["id"]: c.get("send_time") for c in campaigns}
    activity = {
        (a["campaign_id"], a["email_id"], a["action"],
         epoch(sent_at[a["campaign_id"]] if a["action"] == "sent" else a.get("timestamp")))
        for a in snap("activity")
    }
    return {
        "members": (
            f"select id, email_address, status, merge_fields__fname, {_e('last_changed')} "
            "from raw_email.members",
            [(m["id"], m["email_address"], m["status"], (m.get("merge_fields") or {}).get("FNAME"),
              epoch(m["last_changed"])) for m in snap("members")],
        ),
        "members__tags": (
            "select member_id, id, name from raw_email.members__tags",
            [(m["id"], t["id"], t["name"]) for m in snap("members") for t in m.get("tags") or []],
        ),
        "campaigns": (
            "select id, status, emails_sent from raw_email.campaigns",
            [(c["id"], c.get("status"), c.get("emails_sent")) for c in campaigns],
        ),
        "email_activity": (
            f"select campaign_id, email_id, action, {_e('timestamp')} "
            "from raw_email.email_activity",
            sorted(activity),  # the primary key (campaign, member, action, time) is unique
        ),
    }


def social(snap: Snapshot) -> dict[str, tuple[str, list[tuple]]]:
    return {
        "users": (
            "select id, username, public_metrics__followers_count from raw_social.users",
            [(u["id"], u["username"], (u.get("public_metrics") or {}).get("followers_count"))
             for u in snap("users") if u["id"] != BRAND],
        ),
        "tweets": (
            f"select id, author_id, lang, {_e('created_at')} from raw_social.tweets",
            [(t["id"], t.get("author_id"), t.get("lang"), epoch(t["created_at"]))
             for t in snap("tweets")],
        ),
        "dm_events": (
            "select id, sender_id, event_type from raw_social.dm_events",
            [(d["id"], d.get("sender_id"), d.get("event_type")) for d in snap("dm_events")],
        ),
    }


EXPECTED = {"shop": shop, "erp": erp, "email": email, "social": social}


def _deleted(query: Query, source: str) -> dict[str, set[str]]:
    """Ids recorded in raw_<source>.deletions, per stream (raw rows stay for audit)."""
    tables = query("select table_name from information_schema.tables "
                   f"where table_schema = 'raw_{source}' and table_name = 'deletions'")
    out: dict[str, set[str]] = {}
    for stream, rid in query(f"select stream, id from raw_{source}.deletions") if tables else []:
        out.setdefault(stream, set()).add(rid)
    return out


def assert_raw_matches(query: Query, snapshot: Snapshot, source: str,
                       tables: tuple[str, ...] | None = None) -> None:
    """Every (or each named) raw table of `source` holds exactly what the simulator serves.

    Records the connector found deleted (raw_<source>.deletions) stay in the raw
    table for audit; they are left out here, so a deletion never recorded fails.
    """
    deleted = _deleted(query, source)
    for table, (sql, expected) in EXPECTED[source](snapshot).items():
        if tables is not None and table not in tables:
            continue
        gone = deleted.get(table, set())
        loaded = [r for r in query(sql) if str(r[0]) not in gone]
        keys = [r if table == "email_activity" else r[:2] if "__" in table else r[0]
                for r in loaded]
        assert len(keys) == len(set(keys)), f"{source}.{table}: duplicate rows"
        lost = {r[0] for r in expected} - {r[0] for r in loaded}
        assert not lost, f"{source}.{table}: {len(lost)} rows lost, e.g. {sorted(lost)[:3]}"
        assert len(loaded) == len(expected), f"{source}.{table}: {len(loaded)} != {len(expected)}"
        if checksum(loaded) != checksum(expected):
            stale = sorted(set(map(str, loaded)) ^ set(map(str, expected)))[:4]
            raise AssertionError(f"{source}.{table}: rows differ from the simulator: {stale}")
