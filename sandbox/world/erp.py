"""A person's Odoo records as `search_read` returns them.

Partners (individuals, or contacts under a company), their sale orders with
their lines (erp_lines.py) and invoices, and blacklist entries. Empty fields are
``False`` and many2one fields ``[id, "name"]``, as Odoo serialises them. Many
write dates fall on a few batch seconds (nightly imports, mass edits), because
real Odoo data is full of ties.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from . import mess
from .clock import Ids, between, odoo, odoo_date
from .erp_lines import COLLECTION as LINES
from .erp_lines import sale_order_lines
from .people import Person, ascii_slug
from .settings import WorldSettings
from .tables import COMPANY_NAMES, COUNTRY_NAMES, ODOO_COUNTRY_IDS, WORK_DOMAINS

Emit = Callable[[str, dict], None]
_VAT = {"DE": 1.19, "FR": 1.20, "GB": 1.20, "US": 1.0}


class ErpContext:
    """State that outlives one person: recent companies and batch write seconds."""

    def __init__(self, rng: random.Random, start: int, now: int) -> None:
        self.batches = sorted(rng.randint(start, now) for _ in range(240))
        self.companies: list[tuple[int, str, str]] = []

    def write_date(self, rng: random.Random, created: int, now: int) -> int:
        if rng.random() < 0.45:
            later = [b for b in self.batches[-60:] if b >= created] or self.batches[-1:]
            return max(created, rng.choice(later))
        return between(rng, created, now)


def _or_false(value: str | None) -> str | bool:
    return value if value else False


def _company(ctx: ErpContext, ids: Ids, rng: random.Random, p: Person, ts: int, now: int,
             emit: Emit) -> tuple[int, str]:
    if ctx.companies and rng.random() < 0.6:
        cid, name, _ = rng.choice(ctx.companies)
        return cid, name
    cid = ids.next("erp/res.partner")
    name = rng.choice(COMPANY_NAMES)
    ctx.companies = (ctx.companies + [(cid, name, p.country)])[-20:]
    emit("erp/res.partner", {
        "id": cid, "name": name, "is_company": True, "parent_id": False,
        "email": f"info{cid}@{rng.choice(WORK_DOMAINS)}", "phone": False, "mobile": False,
        "street": p.street, "street2": False, "city": p.city, "zip": p.postcode,
        "country_id": [ODOO_COUNTRY_IDS[p.country], COUNTRY_NAMES[p.country]],
        "country_code": p.country, "ref": False, "active": True, "customer_rank": 1,
        "create_date": odoo(ts), "write_date": odoo(ctx.write_date(rng, ts, now)),
    })
    return cid, name


def _orders(ctx: ErpContext, ids: Ids, rng: random.Random, partner: list, country: str,
            since: int, now: int, emit: Emit) -> int:
    confirmed = 0
    for _ in range(rng.choice((0, 0, 1, 1, 1, 2, 3, 4))):
        sid = ids.next("erp/sale.order")
        ts = between(rng, since, now)
        untaxed = round(rng.uniform(20, 2500), 2)
        total = round(untaxed * _VAT[country], 2)
        state = rng.choices(("draft", "sent", "sale", "cancel"), (0.1, 0.05, 0.8, 0.05))[0]
        so_name = f"S{sid:05d}"
        written = ctx.write_date(rng, ts, now)
        lines = sale_order_lines(ids, sid, so_name, untaxed, total, ts, written)
        emit("erp/sale.order", {
            "id": sid, "name": so_name, "partner_id": partner, "date_order": odoo(ts),
            "amount_untaxed": untaxed, "amount_total": total, "currency_id": [1, "EUR"],
            "state": state, "order_line": [line["id"] for line in lines],
            "create_date": odoo(ts), "write_date": odoo(written),
        })
        for line in lines:
            emit(LINES, {**line, "order_partner_id": partner})
        if state != "sale":
            continue
        confirmed += 1
        mid = ids.next("erp/account.move")
        its = between(rng, ts, min(now, ts + 7 * 86400))
        inv_state = rng.choices(("posted", "draft", "cancel"), (0.9, 0.05, 0.05))[0]
        pay = "not_paid"
        if inv_state == "posted":
            pay = rng.choices(("paid", "not_paid", "partial", "reversed"),
                              (0.75, 0.15, 0.07, 0.03))[0]
        residual = {"paid": 0.0, "reversed": 0.0, "not_paid": total,
                    "partial": round(total * rng.uniform(0.2, 0.8), 2)}[pay]
        emit("erp/account.move", {
            "id": mid, "name": f"INV/{odoo_date(its)[:4]}/{mid:05d}", "move_type": "out_invoice",
            "partner_id": partner, "invoice_date": odoo_date(its), "invoice_origin": so_name,
            "amount_untaxed": untaxed, "amount_total": total,
            "amount_residual": residual if inv_state != "cancel" else 0.0,
            "currency_id": [1, "EUR"], "state": inv_state, "payment_state": pay,
            "create_date": odoo(its), "write_date": odoo(ctx.write_date(rng, its, now)),
        })
    return confirmed


def partner(p: Person, ctx: ErpContext, ids: Ids, rng: random.Random, s: WorldSettings,
            now: int, since: int, shop_gid: str | None, emit: Emit) -> int:
    """Write one individual (or company contact) partner with its sales; returns its id."""
    parent: list | bool = False
    email = mess.email_view(p, rng, s, old_system=True, tag="erp")
    if rng.random() < s.company_contact_share:
        parent = list(_company(ctx, ids, rng, p, since, now, emit))
        if rng.random() < 0.5:
            domain = rng.choice(WORK_DOMAINS)
            email = f"{ascii_slug(p.first_name)}.{ascii_slug(p.last_name)}{4 * p.person_id + 2}" \
                    f"@{domain}"
    pid = ids.next("erp/res.partner")
    first, last = mess.name_view(p, rng, s)
    name = mess.full_name(first, last, rng, s)
    street, street2, city, zip_, _ = mess.address_view(p, rng, old_system=True)
    landline = mess.format_phone(p.landline, rng) if p.landline and rng.random() < 0.7 else ""
    mobile = mess.phone_view(p, rng, s, e164_only=False) if p.mobile else ""
    ref = shop_gid.rsplit("/", 1)[1] if shop_gid and rng.random() < s.erp_ref_share else ""
    billing = parent if parent and rng.random() < 0.5 else [pid, name]
    confirmed = _orders(ctx, ids, rng, billing, p.country, since, now, emit)
    write = ctx.write_date(rng, since, now)
    emit("erp/res.partner", {
        "id": pid, "name": name, "is_company": False, "parent_id": parent,
        "email": _or_false(email), "phone": _or_false(landline or (mobile if rng.random() < 0.3
                                                                   else "")),
        "mobile": _or_false(mobile), "street": _or_false(street), "street2": _or_false(street2),
        "city": _or_false(city), "zip": _or_false(zip_),
        "country_id": [ODOO_COUNTRY_IDS[p.country], COUNTRY_NAMES[p.country]],
        "country_code": p.country, "ref": _or_false(ref),
        "active": rng.random() > 0.05, "customer_rank": confirmed,
        "create_date": odoo(since), "write_date": odoo(write),
    })
    if email and rng.random() < 0.03:
        bid = ids.next("erp/mail.blacklist")
        bts = between(rng, since, now)
        emit("erp/mail.blacklist", {"id": bid, "email": email.strip().lower(), "active": True,
                                    "create_date": odoo(bts), "write_date": odoo(bts)})
    return pid
