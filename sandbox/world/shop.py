"""A person's Shopify records: Customer nodes and their Order nodes (GraphQL shape)."""

from __future__ import annotations

import random
from collections.abc import Callable

from . import mess
from .clock import Ids, between, iso_z
from .people import Person
from .settings import WorldSettings
from .tables import COUNTRY_NAMES, PRODUCTS

_TAGS = ("vip", "newsletter", "returning", "wholesale", "gift-buyer", "instagram")
_FIN = (("PAID", 0.85), ("PARTIALLY_REFUNDED", 0.04), ("REFUNDED", 0.04), ("PENDING", 0.04),
        ("VOIDED", 0.03))
_FIN_STATES = [f for f, _ in _FIN]
_FIN_W = [w for _, w in _FIN]
_OPT_IN = ("SINGLE_OPT_IN", "CONFIRMED_OPT_IN", "UNKNOWN")

Emit = Callable[[str, dict], None]


def _money(amount: float) -> dict:
    return {"shopMoney": {"amount": f"{amount:.2f}", "currencyCode": "EUR"}}


def order_node(ids: Ids, rng: random.Random, ts: int, now: int, email: str, phone: str | None,
               customer_gid: str | None) -> tuple[dict, float]:
    """One Order node and what it added to the customer's amountSpent."""
    oid = ids.next("shop/orders")
    items, total = [], 0.0
    for k in range(rng.choice((1, 1, 1, 2, 2, 3))):
        sku, name, price = rng.choice(PRODUCTS)
        qty = rng.choice((1, 1, 1, 2, 3))
        total += float(price) * qty
        items.append({"id": f"gid://shopify/LineItem/{oid * 10 + k}", "sku": sku, "name": name,
                      "quantity": qty, "originalUnitPriceSet": _money(float(price))})
    status = rng.choices(_FIN_STATES, _FIN_W)[0]
    refunds, refunded = [], 0.0
    if status in ("REFUNDED", "PARTIALLY_REFUNDED"):
        refunded = total if status == "REFUNDED" else round(total * rng.uniform(0.1, 0.6), 2)
        rts = between(rng, min(ts + 3600, now), min(now, ts + 30 * 86400))
        refunds.append({"id": f"gid://shopify/Refund/{oid * 10 + 1}", "createdAt": iso_z(rts),
                        "totalRefundedSet": _money(refunded)})
    cancelled = iso_z(between(rng, ts, min(now, ts + 86400))) if status == "VOIDED" else None
    if status in ("PENDING", "VOIDED"):
        fulfil = "UNFULFILLED"
    else:
        fulfil = "FULFILLED" if now - ts > 5 * 86400 else rng.choice(("UNFULFILLED", "FULFILLED"))
    updated = between(rng, ts, min(now, ts + 20 * 86400))
    node = {
        "id": f"gid://shopify/Order/{oid}",
        "name": f"#{1000 + oid - Ids.BASES['shop/orders']}",
        "email": email or None, "phone": phone or None,
        "createdAt": iso_z(ts), "updatedAt": iso_z(updated), "processedAt": iso_z(ts),
        "cancelledAt": cancelled, "displayFinancialStatus": status,
        "displayFulfillmentStatus": fulfil, "currencyCode": "EUR",
        "totalPriceSet": _money(total),
        "customer": {"id": customer_gid} if customer_gid else None,
        "lineItems": {"nodes": items}, "refunds": refunds,
    }
    spent = 0.0 if status in ("PENDING", "VOIDED") else total - refunded
    return node, spent


def _consent(rng: random.Random, since: int, now: int, sms: bool) -> dict:
    state = rng.choices(("SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED", "PENDING"),
                        (0.45, 0.38, 0.15, 0.02) if not sms else (0.2, 0.7, 0.09, 0.01))[0]
    when = None if state == "NOT_SUBSCRIBED" else iso_z(between(rng, since, now))
    out = {"marketingState": state,
           "marketingOptInLevel": rng.choice(_OPT_IN) if state != "NOT_SUBSCRIBED" else None,
           "consentUpdatedAt": when}
    if sms:
        out["consentCollectedFrom"] = rng.choice(("SHOPIFY", "OTHER"))
    return out


def customer(p: Person, ids: Ids, rng: random.Random, s: WorldSettings, now: int,
             since: int, email: str, emit: Emit, with_phone: bool = True) -> str:
    """Write one Customer node and its orders; returns the customer gid.

    Shopify rejects a phone another customer already has, so the phone is the
    person's own mobile, and a duplicate account (`with_phone=False`) has none.
    """
    cid = ids.next("shop/customers")
    gid = f"gid://shopify/Customer/{cid}"
    first, last = mess.name_view(p, rng, s)
    phone = ""
    if with_phone and p.mobile and rng.random() >= s.missing_phone:
        phone = mess.e164(p.mobile)
    n_orders = 0 if rng.random() < 0.25 else min(1 + int(rng.expovariate(0.6)), 25)
    spent, last_ts = 0.0, since
    for _ in range(n_orders):
        ts = between(rng, since, now)
        node, add = order_node(ids, rng, ts, now, email, phone, gid)
        spent += add
        last_ts = max(last_ts, ts)
        emit("shop/orders", node)
    street, street2, city, zip_, row = mess.address_view(p, rng, old_system=False)
    address = None
    if rng.random() < 0.85:
        address = {"address1": street, "address2": street2 or None, "city": city,
                   "province": row[1] or None, "zip": zip_, "country": COUNTRY_NAMES[p.country],
                   "countryCodeV2": p.country,
                   "phone": mess.format_phone(p.mobile, rng) if p.mobile else None}
    emit("shop/customers", {
        "id": gid, "firstName": first or None, "lastName": last or None,
        "email": email or None, "phone": phone or None,
        "state": rng.choices(("ENABLED", "DISABLED", "INVITED"), (0.4, 0.55, 0.05))[0],
        "verifiedEmail": bool(email) and rng.random() < 0.9,
        "createdAt": iso_z(since), "updatedAt": iso_z(between(rng, last_ts, now)),
        "tags": sorted(set(rng.sample(_TAGS, rng.choice((0, 0, 1, 1, 2))))),
        "numberOfOrders": str(n_orders),
        "amountSpent": {"amount": f"{spent:.2f}", "currencyCode": "EUR"},
        "defaultAddress": address,
        "emailMarketingConsent": _consent(rng, since, now, sms=False) if email else None,
        "smsMarketingConsent": _consent(rng, since, now, sms=True) if phone else None,
    })
    return gid
