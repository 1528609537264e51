"""The Odoo models cdpkit reads and how their records become raw rows.

Each stream declares its model, domain, fields and which fields are
many2one or boolean; `to_row` applies Odoo's conventions: many2one
`[id, "name"]` becomes `<field>` (the id) and `<field>__name`, and `false`
on a non-boolean field (Odoo's "empty") becomes None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from connectors.hints import columns

ACTIVE_AND_ARCHIVED = ["active", "in", [True, False]]


@dataclass(frozen=True)
class Stream:
    """One Odoo model read with `search_read`, ordered and filtered on write_date."""

    name: str
    model: str
    fields: tuple[str, ...]
    many2one: tuple[str, ...] = ()
    booleans: tuple[str, ...] = ()
    domain: tuple[list, ...] = ()
    timestamps: tuple[str, ...] = ("create_date", "write_date")
    dates: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    bigints: tuple[str, ...] = ()

    def columns(self) -> dict[str, dict[str, Any]]:
        """dlt column hints: timestamps, dates, and typed many2one pairs."""
        typed = {*self.timestamps, *self.dates, *self.many2one, *self.booleans, *self.bigints, "id"}
        return columns(
            bigint=("id", *self.many2one, *self.bigints),
            text=(
                *(f"{m}__name" for m in self.many2one),
                *(f for f in self.fields if f not in typed and f not in self.numbers),
            ),
            double=self.numbers,
            bool=self.booleans,
            timestamp=self.timestamps,
            date=self.dates,
        )

    def to_row(self, record: dict[str, Any]) -> dict[str, Any]:
        """Flatten many2one pairs and turn Odoo's `false` into None where it means empty."""
        row: dict[str, Any] = {}
        for key, value in record.items():
            if key in self.many2one:
                pair = value if isinstance(value, list | tuple) and len(value) == 2 else None
                row[key] = pair[0] if pair else None
                row[f"{key}__name"] = pair[1] if pair else None
            elif value is False and key not in self.booleans:
                row[key] = None
            else:
                row[key] = value
        return row


STREAMS = (
    Stream(
        name="partners",
        model="res.partner",
        fields=(
            "id", "name", "is_company", "parent_id", "email", "phone", "mobile", "street",
            "street2", "city", "zip", "country_id", "country_code", "ref", "active",
            "customer_rank", "create_date", "write_date",
        ),
        many2one=("parent_id", "country_id"),
        booleans=("is_company", "active"),
        bigints=("customer_rank",),
        domain=(ACTIVE_AND_ARCHIVED,),
    ),
    Stream(
        name="sale_orders",
        model="sale.order",
        fields=(
            "id", "name", "partner_id", "date_order", "amount_untaxed", "amount_total",
            "currency_id", "state", "create_date", "write_date",
        ),
        many2one=("partner_id", "currency_id"),
        timestamps=("date_order", "create_date", "write_date"),
        numbers=("amount_untaxed", "amount_total"),
    ),
    Stream(
        name="sale_order_lines",
        model="sale.order.line",
        fields=(
            "id", "order_id", "order_partner_id", "sequence", "product_id", "name",
            "product_uom_qty", "price_unit", "price_subtotal", "price_total", "currency_id",
            "display_type", "create_date", "write_date",
        ),
        # order_partner_id (Odoo's stored related field order_id.partner_id): lets the
        # suppression list keep an erased customer's lines out without a join
        many2one=("order_id", "order_partner_id", "product_id", "currency_id"),
        numbers=("product_uom_qty", "price_unit", "price_subtotal", "price_total"),
        bigints=("sequence",),
    ),
    Stream(
        name="invoices",
        model="account.move",
        fields=(
            "id", "name", "move_type", "partner_id", "invoice_date", "invoice_origin",
            "amount_untaxed", "amount_total", "amount_residual", "currency_id", "state",
            "payment_state", "create_date", "write_date",
        ),
        many2one=("partner_id", "currency_id"),
        domain=(["move_type", "=", "out_invoice"],),
        dates=("invoice_date",),
        numbers=("amount_untaxed", "amount_total", "amount_residual"),
    ),
    Stream(
        name="blacklist",
        model="mail.blacklist",
        fields=("id", "email", "active", "create_date", "write_date"),
        booleans=("active",),
        domain=(ACTIVE_AND_ARCHIVED,),
    ),
)
