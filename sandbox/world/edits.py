"""How each vendor changes or removes an existing record.

An update returns a full new version with one field changed and the system's
change stamp moved to `ts`; a delete returns True (gone for good), an archived
version of the record, or None when the vendor would refuse the deletion.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from .clock import iso_offset, iso_z, odoo
from .tables import OCCUPATIONS, STREETS

Update = Callable[[dict, random.Random, int], dict]
Delete = Callable[[dict, random.Random, int], "dict | bool | None"]


@dataclass(frozen=True)
class Edit:
    update: Update
    delete: Delete | None = None


def _shop_customer(rec: dict, rng: random.Random, ts: int) -> dict:
    kind = rng.randrange(3)
    if kind == 0 or not rec.get("phone"):
        rec["tags"] = sorted(set(rec.get("tags") or []) | {"changed-" + str(rng.randrange(99))})
    elif kind == 1:
        rec["phone"] = rec["phone"][:-2] + f"{rng.randrange(100):02d}"
    else:
        consent = rec.get("emailMarketingConsent") or {}
        was = consent.get("marketingState")
        consent.update(marketingState="UNSUBSCRIBED" if was == "SUBSCRIBED" else "SUBSCRIBED",
                       marketingOptInLevel="SINGLE_OPT_IN", consentUpdatedAt=iso_z(ts))
        rec["emailMarketingConsent"] = consent
    rec["updatedAt"] = iso_z(ts)
    return rec


def _shop_delete(rec: dict, rng: random.Random, ts: int) -> bool | None:
    """Shopify refuses to delete a customer who has orders."""
    return True if rec.get("numberOfOrders") in ("0", 0) else None


def _shop_order(rec: dict, rng: random.Random, ts: int) -> dict:
    if rec.get("displayFulfillmentStatus") != "FULFILLED":
        rec["displayFulfillmentStatus"] = "FULFILLED"
    else:
        money = rec["totalPriceSet"]["shopMoney"]
        rec["displayFinancialStatus"] = "REFUNDED"
        rec["refunds"] = [*(rec.get("refunds") or []), {
            "id": rec["id"].replace("/Order/", "/Refund/") + str(len(rec.get("refunds") or [])),
            "createdAt": iso_z(ts), "totalRefundedSet": {"shopMoney": dict(money)}}]
    rec["updatedAt"] = iso_z(ts)
    return rec


def _partner(rec: dict, rng: random.Random, ts: int) -> dict:
    if rng.random() < 0.5 and rec.get("street"):
        rec["street"] = f"{rng.randint(1, 240)} {rng.choice(STREETS['GB'])}"
    else:
        rec["phone"] = f"+49 30 {rng.randrange(10**7):07d}"
    rec["write_date"] = odoo(ts)
    return rec


def _partner_delete(rec: dict, rng: random.Random, ts: int) -> dict | bool:
    """Odoo blocks unlinking partners with sales; people archive those instead."""
    if not rec.get("is_company") and not rec.get("customer_rank") and rng.random() < 0.7:
        return True
    rec["active"] = False
    rec["write_date"] = odoo(ts)
    return rec


def _member(rec: dict, rng: random.Random, ts: int) -> dict:
    if rec.get("status") == "subscribed" and rng.random() < 0.5:
        rec["status"] = "unsubscribed"
    else:
        fields = rec.setdefault("merge_fields", {})
        fields["FNAME"] = (fields.get("FNAME") or "").strip().title() + " "
        fields["FNAME"] = fields["FNAME"].strip() or "Friend"
        fields["PHONE"] = f"+33 6 {rng.randrange(10**8):08d}"
    rec["last_changed"] = iso_offset(ts)
    return rec


def _member_archive(rec: dict, rng: random.Random, ts: int) -> dict:
    """Mailchimp's DELETE only archives the member."""
    rec["status"] = "archived"
    rec["last_changed"] = iso_offset(ts)
    return rec


def _x_user(rec: dict, rng: random.Random, ts: int) -> dict:
    rec["description"] = f"{rng.choice(OCCUPATIONS)} | new bio"
    metrics = rec.setdefault("public_metrics", {})
    metrics["followers_count"] = int(metrics.get("followers_count", 0)) + rng.randint(1, 50)
    return rec


EDITS: dict[str, Edit] = {
    "shop/customers": Edit(_shop_customer, _shop_delete),
    "shop/orders": Edit(_shop_order),
    "erp/res.partner": Edit(_partner, _partner_delete),
    "email/members": Edit(_member, _member_archive),
    "social/users": Edit(_x_user),
}
