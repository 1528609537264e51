"""References between records hold and every file keeps its vendor's conventions."""

from __future__ import annotations

import hashlib
import re

import pytest

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
ODOO = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
MC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
X_TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$")


@pytest.mark.parametrize("key", ["shop/customers", "shop/orders", "erp/res.partner",
                                 "erp/sale.order", "erp/sale.order.line", "erp/account.move",
                                 "erp/mail.blacklist", "email/members", "email/campaigns",
                                 "social/users", "social/tweets", "social/dm_events"])
def test_ids_are_unique(load, key: str) -> None:
    ids = [r["id"] for r in load(key)]
    assert len(ids) == len(set(ids))


def test_every_order_customer_exists(load) -> None:
    customers = {c["id"] for c in load("shop/customers")}
    orders = load("shop/orders")
    linked = [o["customer"]["id"] for o in orders if o["customer"]]
    assert linked and set(linked) <= customers
    assert any(o["customer"] is None for o in orders), "no guest checkouts"
    assert all(re.fullmatch(r"gid://shopify/Order/\d+", o["id"]) for o in orders)
    assert all(o["name"].startswith("#") for o in orders)


def test_amount_spent_and_order_count_agree_with_orders(load) -> None:
    counts: dict[str, int] = {}
    for o in load("shop/orders"):
        if o["customer"]:
            counts[o["customer"]["id"]] = counts.get(o["customer"]["id"], 0) + 1
    for c in load("shop/customers"):
        assert c["numberOfOrders"] == str(counts.get(c["id"], 0))
        assert ISO_Z.match(c["createdAt"]) and ISO_Z.match(c["updatedAt"])
        assert c["phone"] is None or re.fullmatch(r"\+\d{8,15}", c["phone"])


def test_erp_references_exist(load) -> None:
    partners = {p["id"]: p for p in load("erp/res.partner")}
    orders = load("erp/sale.order")
    for so in orders:
        assert so["partner_id"][0] in partners
        assert ODOO.match(so["write_date"])
    by_id = {so["id"]: so for so in orders}
    for line in load("erp/sale.order.line"):
        assert line["order_id"] == [line["order_id"][0], by_id[line["order_id"][0]]["name"]]
        assert ODOO.match(line["create_date"]) and ODOO.match(line["write_date"])
    so_names = {so["name"] for so in orders}
    for inv in load("erp/account.move"):
        assert inv["partner_id"][0] in partners and inv["invoice_origin"] in so_names
        assert inv["move_type"] == "out_invoice"
    contacts = [p for p in partners.values() if p["parent_id"]]
    assert contacts and all(partners[p["parent_id"][0]]["is_company"] for p in contacts)


def test_odoo_empty_fields_are_false_and_write_dates_tie(load) -> None:
    partners = load("erp/res.partner")
    for p in partners:
        assert None not in p.values()
    assert any(p["email"] is False for p in partners)
    assert any(p["active"] is False for p in partners)
    dates = [p["write_date"] for p in partners]
    assert len(dates) - len(set(dates)) > len(dates) * 0.1, "write_date ties are too rare"


def test_erp_ref_points_at_real_shop_customers(load) -> None:
    customers = {c["id"].rsplit("/", 1)[1] for c in load("shop/customers")}
    refs = [p["ref"] for p in load("erp/res.partner") if p["ref"]]
    assert len(refs) > 20 and set(refs) <= customers


def test_mailchimp_ids_are_md5_of_lowercased_email(load) -> None:
    members = load("email/members")
    for m in members:
        assert m["id"] == hashlib.md5(m["email_address"].lower().encode()).hexdigest()
        assert MC.match(m["last_changed"]) and m["list_id"] == "a1b2c3d4e5"
    share = sum(m["status"] == "subscribed" for m in members) / len(members)
    assert 0.6 < share < 0.8


def test_activity_refers_to_members_and_campaigns(load) -> None:
    members = {m["id"] for m in load("email/members")}
    campaigns = {c["id"]: c for c in load("email/campaigns")}
    sent: dict[str, int] = {}
    for a in load("email/activity"):
        assert a["email_id"] in members and a["campaign_id"] in campaigns
        assert (a["url"] is not None) == (a["action"] == "click")
        if a["action"] == "sent":
            sent[a["campaign_id"]] = sent.get(a["campaign_id"], 0) + 1
    assert {a["action"] for a in load("email/activity")} == {
        "sent", "open", "click", "bounce", "unsubscribe"}
    assert all(campaigns[c]["emails_sent"] == n for c, n in sent.items())


def test_x_objects_mention_the_brand_and_ids_grow_with_time(load) -> None:
    users = {u["id"] for u in load("social/users")}
    tweets = sorted(load("social/tweets"), key=lambda t: int(t["id"]))
    assert [t["created_at"] for t in tweets] == sorted(t["created_at"] for t in tweets)
    for t in tweets:
        assert "@cdpkit_brand" in t["text"] and t["author_id"] in users
        assert X_TS.match(t["created_at"])
    assert any(t.get("in_reply_to_user_id") == "1000000000000000001" for t in tweets)
    for d in load("social/dm_events"):
        assert d["dm_conversation_id"] == f"1000000000000000001-{d['sender_id']}"
    handles = [u["username"] for u in load("social/users")]
    assert len(set(handles)) == len(handles) and max(map(len, handles)) <= 15


def test_nothing_happens_after_the_world_clock(load) -> None:
    now = "2025-06-01T00:00:00"
    assert max(c["updatedAt"][:19] for c in load("shop/customers")) <= now
    assert max(o["updatedAt"][:19] for o in load("shop/orders")) <= now
    assert max(m["last_changed"][:19] for m in load("email/members")) <= now
    assert max(p["write_date"][:19] for p in load("erp/res.partner")) <= now.replace("T", " ")
    assert max(a["timestamp"][:19] for a in load("email/activity")) <= now


def test_shop_phones_and_emails_are_unique_as_shopify_requires(load) -> None:
    customers = load("shop/customers")
    phones = [c["phone"] for c in customers if c["phone"]]
    emails = [c["email"].strip().lower() for c in customers if c["email"]]
    assert len(phones) == len(set(phones)) and len(emails) == len(set(emails))
