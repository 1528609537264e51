"""A sale order's ``sale.order.line`` records as Odoo's ``search_read`` returns them.

Lines split the order's untaxed amount exactly, to the cent, over the shop's
product catalogue (the same SKUs the shop's line items carry), and its taxed
amount likewise. Their randomness comes from a generator of their own, seeded
from the order's id, date and amount, never from the world's shared one: the
rest of a world stays byte-identical whether or not lines are written.
"""

from __future__ import annotations

import random

from .clock import Ids, between, odoo
from .tables import PRODUCTS

COLLECTION = "erp/sale.order.line"
#: Odoo's sequence handle starts new lines at 10 and counts up
FIRST_SEQUENCE = 10
_SECTIONS = ("Products", "Merchandise", "Apparel", "Accessories", "Seasonal collection")
_MAX_QTY = 50


def display_name(sku: str, name: str) -> str:
    """A product.product's display name: ``[default_code] name``."""
    return f"[{sku}] {name}"


def _cents(amount: float) -> int:
    """Whole cents of an amount with at most two decimals (exact: the float is that close)."""
    return round(amount * 100)


def _money(cents: int) -> float:
    """The float Odoo sends for a cent amount: the nearest to the decimal, as float("12.34")."""
    return cents / 100


def _share_of(part: int, whole: int, of: int) -> int:
    """part / whole * of, rounded half up, in integers."""
    return (2 * part * of + whole) // (2 * whole)


def _largest_divisor(n: int, at_most: int) -> int:
    for q in range(max(1, min(at_most, n)), 0, -1):
        if n % q == 0:
            return q
    return 1


def _split(rng: random.Random, cents: int, parts: int) -> list[int]:
    """`parts` cent amounts that add up to `cents`, each about a tenth of it or more."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    scale = sum(weights)
    shares = [int(cents * w / scale) for w in weights[:-1]]
    return [*shares, cents - sum(shares)]


def _products(rng: random.Random, cents: int, parts: int) -> list[tuple[int, int, int]]:
    """(index in PRODUCTS, quantity, unit price in cents) per line, adding up to `cents`.

    Every line but the last takes a quantity near its share over the list price and
    the unit price that fits (never above the share); the last one absorbs the rest
    with a quantity that divides it exactly.
    """
    out = []
    left = cents
    for k, share in enumerate(_split(rng, cents, parts)):
        index = rng.randrange(len(PRODUCTS))
        list_cents = _cents(float(PRODUCTS[index][2]))
        target = min(_MAX_QTY, max(1, round(share / list_cents)))
        if k < parts - 1:
            qty = min(target, max(1, share))
            unit = max(1, share // qty)
        else:
            qty = _largest_divisor(left, target)
            unit = left // qty
        out.append((index, qty, unit))
        left -= qty * unit
    return out


def sale_order_lines(ids: Ids, order_id: int, order_name: str, untaxed: float, total: float,
                     created: int, written: int) -> list[dict]:
    """1 to 4 lines (now and then a section heading first) for one sale order.

    Subtotals add up to `untaxed` and totals to `total`, to the cent; each line's
    tax is the order's rate, the last line taking the rounding difference.
    """
    rng = random.Random(f"{COLLECTION}:{order_id}:{created}:{untaxed:.2f}")
    count = rng.choice((1, 1, 2, 2, 3, 4))
    section = count > 1 and rng.random() < 0.08
    cents, total_cents = _cents(untaxed), _cents(total)
    parts = max(1, min(count - section, cents))
    products = _products(rng, cents, parts)
    taxed = [_share_of(qty * unit, max(cents, 1), total_cents) for _, qty, unit in products[:-1]]
    taxed.append(total_cents - sum(taxed))
    lines: list[dict] = []

    def line(**fields: object) -> None:
        write = written if rng.random() < 0.7 else between(rng, created, written)
        lines.append({
            "id": ids.next(COLLECTION), "order_id": [order_id, order_name],
            "sequence": FIRST_SEQUENCE + len(lines), **fields, "currency_id": [1, "EUR"],
            "create_date": odoo(created), "write_date": odoo(write),
        })

    if section:
        line(product_id=False, name=rng.choice(_SECTIONS), product_uom_qty=0.0,
             price_unit=0.0, price_subtotal=0.0, price_total=0.0, display_type="line_section")
    for (index, qty, unit), with_tax in zip(products, taxed, strict=True):
        sku, name, _ = PRODUCTS[index]
        label = display_name(sku, name)
        line(product_id=[index + 1, label], name=label, product_uom_qty=float(qty),
             price_unit=_money(unit), price_subtotal=_money(qty * unit),
             price_total=_money(with_tax), display_type=False)
    return lines
