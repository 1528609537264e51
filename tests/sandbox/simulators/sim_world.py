"""A small world in the data-contract shapes, with the edge cases tests need.

Built by hand (not by the generator) so each test knows exactly what is there:
timestamp ties, archived partners, archived members, brand mentions, DMs, sale
order lines with a section heading now and then.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

BASE = datetime(2025, 1, 1, tzinfo=UTC)
BRAND_ID = "1000000000000000001"
SIZES = {"customers": 600, "orders": 300, "partners": 500, "members": 1200,
         "users": 300, "tweets": 250, "dms": 150}


def _z(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _odoo(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def _mc(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def money(amount: str, code: str = "USD") -> dict:
    """A MoneyBag."""
    return {"shopMoney": {"amount": amount, "currencyCode": code},
            "presentmentMoney": {"amount": amount, "currencyCode": code}}


def sale_order_lines(sales: list[dict]) -> list[dict]:
    """Two product lines per order (6.00 + 2 x 2.00 = the order's 10.00 untaxed, 7.14 +
    4.76 = its 11.90 total), after a section heading on every tenth order; each order
    gets its `order_line` ids. Lines share their order's write_date (ties)."""
    lines: list[dict] = []
    for so in sales:
        order, stamp = [so["id"], so["name"]], so["write_date"]
        rows = [(False, "Goods", 0.0, 0.0, 0.0, 0.0, "line_section")] if so["id"] % 10 == 0 \
            else []
        rows += [([1, "[TSH-001] T-Shirt"], "[TSH-001] T-Shirt", 1.0, 6.0, 6.0, 7.14, False),
                 ([3, "[MUG-003] Mug"], "[MUG-003] Mug", 2.0, 2.0, 4.0, 4.76, False)]
        so["order_line"] = []
        for k, (product, name, qty, unit, subtotal, total, kind) in enumerate(rows):
            lid = len(lines) + 1
            so["order_line"].append(lid)
            lines.append({"id": lid, "order_id": order, "sequence": 10 + k,
                          "product_id": product, "name": name, "product_uom_qty": qty,
                          "price_unit": unit, "price_subtotal": subtotal, "price_total": total,
                          "currency_id": [1, "EUR"], "display_type": kind,
                          "create_date": so["create_date"], "write_date": stamp})
    return lines


def build_world(root: Path) -> Path:
    """Write every world file under ``root``; returns ``root``."""
    customers = []
    for n in range(1, SIZES["customers"] + 1):
        # groups of 3 customers share the same updatedAt second: ties on purpose
        updated = BASE + timedelta(minutes=n // 3)
        customers.append({
            "id": f"gid://shopify/Customer/{n}", "firstName": f"First{n}", "lastName": "Doe",
            "email": f"c{n}@example.com", "phone": None, "state": "ENABLED",
            "verifiedEmail": True, "createdAt": _z(BASE - timedelta(days=n)),
            "updatedAt": _z(updated), "numberOfOrders": str(n % 4),
            "amountSpent": {"amount": "10.00", "currencyCode": "USD"},
            "defaultAddress": {"address1": f"{n} Main St", "city": "Boston", "zip": "02101",
                               "countryCodeV2": "US"},
            "tags": ["vip"] if n % 10 == 0 else [],
            "emailMarketingConsent": {"marketingState": "SUBSCRIBED",
                                      "marketingOptInLevel": "SINGLE_OPT_IN",
                                      "consentUpdatedAt": _z(BASE)},
            "smsMarketingConsent": None,
        })
    orders = []
    for n in range(1, SIZES["orders"] + 1):
        orders.append({
            "id": f"gid://shopify/Order/{n}", "name": f"#{1000 + n}", "email": f"c{n}@example.com",
            "createdAt": _z(BASE + timedelta(hours=n)), "updatedAt": _z(BASE + timedelta(hours=n)),
            "processedAt": _z(BASE + timedelta(hours=n)), "cancelledAt": None,
            "displayFinancialStatus": "PAID", "displayFulfillmentStatus": "FULFILLED",
            "currencyCode": "USD", "totalPriceSet": money("24.90"),
            "customer": {"id": f"gid://shopify/Customer/{n}"},
            "lineItems": {"nodes": [
                {"id": f"gid://shopify/LineItem/{n * 10 + i}", "sku": "TSH-001",
                 "name": "T-Shirt", "quantity": 1, "originalUnitPriceSet": money("24.90")}
                for i in range(3)]},
            "refunds": [],
        })
    partners = []
    for n in range(1, SIZES["partners"] + 1):
        partners.append({
            "id": n, "name": f"Partner {n}", "is_company": n % 7 == 0,
            "parent_id": [7, "Partner 7"] if n % 11 == 0 else False,
            "email": f"p{n}@example.com" if n % 5 else False, "phone": False, "mobile": False,
            "street": f"{n} Hauptstraße", "street2": False, "city": "Berlin", "zip": "10115",
            "country_id": [57, "Germany"], "country_code": "DE", "ref": f"R{n}" if n % 3 else False,
            "active": n % 25 != 0, "customer_rank": 1,
            "create_date": _odoo(BASE), "write_date": _odoo(BASE + timedelta(seconds=n // 4)),
        })
    sales = [{"id": n, "name": f"S{n:05d}", "partner_id": [n, f"Partner {n}"],
              "date_order": _odoo(BASE), "amount_untaxed": 10.0, "amount_total": 11.9,
              "currency_id": [1, "EUR"], "state": "sale", "create_date": _odoo(BASE),
              "write_date": _odoo(BASE + timedelta(seconds=n))} for n in range(1, 201)]
    lines = sale_order_lines(sales)
    moves = [{"id": n, "name": f"INV/2025/{n:05d}", "move_type": "out_invoice",
              "partner_id": [n, f"Partner {n}"], "invoice_date": "2025-01-02",
              "invoice_origin": f"S{n:05d}", "amount_untaxed": 10.0, "amount_total": 11.9,
              "amount_residual": 0.0, "currency_id": [1, "EUR"], "state": "posted",
              "payment_state": "paid", "create_date": _odoo(BASE),
              "write_date": _odoo(BASE + timedelta(seconds=n))} for n in range(1, 101)]
    blacklist = [{"id": n, "email": f"p{n}@example.com", "active": True,
                  "create_date": _odoo(BASE), "write_date": _odoo(BASE)} for n in range(1, 21)]
    members = []
    for n in range(1, SIZES["members"] + 1):
        email = f"m{n}@example.com"
        members.append({
            "id": hashlib.md5(email.encode()).hexdigest(), "email_address": email,
            "unique_email_id": f"u{n:09d}", "contact_id": f"ct{n}", "web_id": n,
            "full_name": f"Member {n}", "email_type": "html",
            "status": "archived" if n % 50 == 0 else "subscribed",
            "merge_fields": {"FNAME": "Member", "LNAME": str(n), "PHONE": "", "ADDRESS": ""},
            "timestamp_signup": _mc(BASE), "timestamp_opt": _mc(BASE),
            "last_changed": _mc(BASE + timedelta(seconds=n // 2)), "language": "en",
            "vip": False, "tags": [], "list_id": "a1b2c3d4e5",
        })
    campaigns = [{"id": f"{c:010x}", "web_id": c, "type": "regular", "status": "sent",
                  "create_time": _mc(BASE + timedelta(days=c)),
                  "send_time": _mc(BASE + timedelta(days=c, hours=1)), "emails_sent": 40,
                  "settings": {"subject_line": f"News {c}", "title": f"C{c}"},
                  "recipients": {"list_id": "a1b2c3d4e5"}} for c in range(1, 4)]
    activity = []
    for c in campaigns:
        for n in range(1, 41):
            m = members[n - 1]
            row = {"campaign_id": c["id"], "email_id": m["id"], "email_address": m["email_address"],
                   "url": None, "ip": "10.0.0.1"}
            activity.append({**row, "action": "sent", "timestamp": c["send_time"]})
            if n % 2 == 0:
                activity.append({**row, "action": "open", "timestamp": _mc(BASE + timedelta(
                    days=int(c["web_id"]), hours=2, minutes=n))})
            if n % 8 == 0:
                clicked = _mc(BASE + timedelta(days=int(c["web_id"]), hours=3))
                activity.append({**row, "action": "click", "url": "https://shop.example/x",
                                 "timestamp": clicked})
            if n == 5:
                activity.append({**row, "action": "bounce", "type": "hard",
                                 "timestamp": c["send_time"]})
            if n == 7:
                activity.append({**row, "action": "unsubscribe", "reason": "N/A",
                                 "timestamp": c["send_time"]})
    users = [{"id": BRAND_ID, "name": "cdpkit", "username": "cdpkit_brand",
              "created_at": "2019-01-01T00:00:00.000Z", "description": "the brand"}]
    for n in range(1, SIZES["users"] + 1):
        users.append({"id": str(2000 + n), "name": f"User {n}", "username": f"user{n}",
                      "created_at": "2020-01-01T00:00:00.000Z", "description": f"bio {n}",
                      "location": "Berlin", "verified": False,
                      "public_metrics": {"followers_count": n, "following_count": 1,
                                         "tweet_count": 3, "listed_count": 0}})
    tweets = [{"id": str(1800000000000000000 + n), "text": f"@cdpkit_brand hello {n}",
               "author_id": str(2000 + (n % SIZES["users"]) + 1),
               "conversation_id": str(1800000000000000000 + n), "in_reply_to_user_id": BRAND_ID,
               "created_at": (BASE + timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
               "lang": "en", "edit_history_tweet_ids": [str(1800000000000000000 + n)]}
              for n in range(1, SIZES["tweets"] + 1)]
    dms = [{"id": str(1900000000000000000 + n), "event_type": "MessageCreate",
            "text": f"dm {n}", "sender_id": str(2000 + (n % 50) + 1),
            "dm_conversation_id": f"{2000 + (n % 50) + 1}-{BRAND_ID}",
            "created_at": (BASE + timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%S.000Z")}
           for n in range(1, SIZES["dms"] + 1)]
    files = {
        "shop/customers.jsonl": customers, "shop/orders.jsonl": orders,
        "erp/res.partner.jsonl": partners, "erp/sale.order.jsonl": sales,
        "erp/sale.order.line.jsonl": lines,
        "erp/account.move.jsonl": moves, "erp/mail.blacklist.jsonl": blacklist,
        "email/members.jsonl": members, "email/campaigns.jsonl": campaigns,
        "email/activity.jsonl": activity, "social/users.jsonl": users,
        "social/tweets.jsonl": tweets, "social/dm_events.jsonl": dms,
        "truth/records.jsonl": [], "truth/people.jsonl": [],
    }
    for rel, rows in files.items():
        _write(root / rel, rows)
    return root


def read(root: Path, rel: str) -> list[dict]:
    """The rows of one world file."""
    with (root / rel).open(encoding="utf-8") as fh:
        return [json.loads(x) for x in fh if x.strip()]
