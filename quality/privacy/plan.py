"""Where a person's rows are, table by table: the predicates an erasure deletes by.

Two kinds of rule. Column rules hold across the warehouse, so a new mart or raw
table is covered the day it appears: a `golden_id`, a source record pair such as
(`source`, `source_id`) or (`left_source`, `left_source_id`), an address column
(`email`, `email_address`, `email_normalized`), an E.164 `phone_key`, and the raw
text of quarantined records, which is searched for the addresses. Key rules name
what a raw table's own ids mean (a Shopify order's `customer__id` is a customer,
its line items' `order_id` an order) and hold for dlt's `<dataset>_staging` copies
too. The predicates read the keys from a temporary table `erasure_keys(kind, value)`
so the same SQL deletes, then verifies that nothing is left.
"""

from __future__ import annotations

from dataclasses import dataclass

from quality.privacy.subject import Tables

KEYS = "erasure_keys"
#: never erased from: the records of erasure itself, and dbt's build log
KEPT_SCHEMAS = ("governance", "dbt_meta", "information_schema", "pg_catalog")

#: raw tables' own ids: (column, key kind)
KEY_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "raw_shop.customers": (("id", "shop_customer"),),
    "raw_shop.customers__tags": (("customer_id", "shop_customer"),),
    "raw_shop.orders": (("id", "shop_order"), ("customer__id", "shop_customer")),
    "raw_shop.orders__line_items": (("order_id", "shop_order"),),
    "raw_shop.orders__refunds": (("order_id", "shop_order"),),
    "raw_shop.deletions": (("id", "shop_customer"), ("id", "shop_order")),
    "raw_erp.partners": (("id", "erp_partner"),),
    "raw_erp.sale_orders": (("id", "erp_order"), ("partner_id", "erp_partner")),
    "raw_erp.sale_order_lines": (("order_id", "erp_order"), ("order_partner_id", "erp_partner")),
    "raw_erp.invoices": (("partner_id", "erp_partner"),),
    "raw_erp.deletions": (("id", "erp_partner"), ("id", "erp_order")),
    "raw_email.members": (("id", "email_member"),),
    "raw_email.members__tags": (("member_id", "email_member"),),
    "raw_social.users": (("id", "social_user"),),
    "raw_social.tweets": (("author_id", "social_user"),),
    "raw_social.dm_events": (("sender_id", "social_user"),),
}
GOLDEN_ID_COLUMNS = ("golden_id", "other_id", "alias_of")
RECORD_PAIRS = (("source", "source_id"), ("left_source", "left_source_id"),
                ("right_source", "right_source_id"), ("source", "source_record_id"),
                ("source", "source_customer_id"))
#: order ids beside the system they came from (a guest order has no golden id to go by):
#: (column, source, key kind). A journey's `reference_id` is an order only when it is a
#: Shopify gid; an Odoo reference may be an invoice whose number an order also has.
ORDER_COLUMNS = (("order_id", "shop", "shop_order"), ("order_id", "erp", "erp_order"),
                 ("reference_id", "shop", "shop_order"))
EMAIL_COLUMNS = ("email", "email_address", "email_normalized")
#: quarantined raw text: the record as it came, searched for the person's addresses
RAW_TEXT_COLUMNS = ("raw", "record")


def keys(kind: str) -> str:
    return f"(select value from {KEYS} where kind = '{kind}')"


def quoted(table: str) -> str:
    schema, _, name = table.partition(".")
    return f'"{schema}"."{name}"'


@dataclass(frozen=True)
class Target:
    """One table and the predicate that finds the person's rows in it."""

    table: str
    predicate: str

    def count_sql(self) -> str:
        return f"select count(*) from {quoted(self.table)} where {self.predicate}"

    def delete_sql(self) -> str:
        return f"delete from {quoted(self.table)} where {self.predicate}"


def _unstaged(table: str) -> str:
    """`raw_shop_staging.orders` -> `raw_shop.orders`: dlt's staging copy has the same shape."""
    schema, _, name = table.partition(".")
    return f"{schema.removesuffix('_staging')}.{name}"


def predicate(table: str, columns: dict[str, str]) -> str | None:
    """The OR of every rule that applies to `table`; None when none does."""
    terms: list[str] = []
    for column, kind in KEY_RULES.get(_unstaged(table), ()):
        if column in columns:
            terms.append(f'cast("{column}" as varchar) in {keys(kind)}')
    terms += [f'"{c}" in {keys("golden_id")}' for c in GOLDEN_ID_COLUMNS if c in columns]
    terms += [f""""{s}" || ':' || cast("{i}" as varchar) in {keys("record")}"""
              for s, i in RECORD_PAIRS if s in columns and i in columns]
    if "source" in columns:
        terms += [f""""source" = '{source}' and cast("{c}" as varchar) in {keys(kind)}"""
                  for c, source, kind in ORDER_COLUMNS if c in columns]
    terms += [f'lower(trim("{c}")) in {keys("email")}' for c in EMAIL_COLUMNS if c in columns]
    if "phone_key" in columns:
        terms.append(f'"phone_key" in {keys("phone")}')
    terms += [f"""exists (select 1 from {KEYS} k where k.kind = 'email'
                      and strpos(lower("{c}"), k.value) > 0)"""
              for c in RAW_TEXT_COLUMNS if c in columns and "quarantine" in table]
    return " or ".join(f"({t})" for t in dict.fromkeys(terms)) if terms else None


def targets(tables: Tables) -> list[Target]:
    """Every base table outside the kept schemas that can hold the person, with its predicate."""
    found = []
    for table in sorted(tables.base):
        if table.split(".", 1)[0] in KEPT_SCHEMAS:
            continue
        where = predicate(table, tables.columns[table])
        if where is not None:
            found.append(Target(table, where))
    return found
