"""Who an erasure request is about: every key under which cdpkit holds that person.

A request names one email address or one golden id. The person is held under much
more: the golden ids identity gave them (and the ids merged into those), each
source record of theirs, the addresses and phone numbers on those records, the
Shopify and Odoo orders placed under their customer records, their Mailchimp
member ids and X user ids. Those keys are gathered first, from identity's tables
and the raw tables, so the deletions after them need no joins and the suppression
list gets every identifier a source could bring them back under.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import duckdb

from quality.privacy.identifiers import normalise, record_key

#: the source-side ids of a person, by the identity source whose records carry them
SOURCE_ID_KINDS = {"shop": "shop_customer", "erp": "erp_partner", "email": "email_member",
                   "social": "social_user"}


@dataclass
class Subject:
    """The keys of one person, by kind (`email`, `golden_id`, `record`, `shop_order`, ...)."""

    keys: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, kind: str, values: object) -> None:
        for value in values if isinstance(values, list | set | tuple) else [values]:
            if value is None:
                continue
            text = normalise("email", value) if kind == "email" else str(value).strip()
            if text:
                self.keys[kind].add(text)

    def of(self, kind: str) -> set[str]:
        return set(self.keys.get(kind, set()))

    def rows(self) -> list[tuple[str, str]]:
        return sorted((kind, value) for kind, values in self.keys.items() for value in values)

    def suppression_identifiers(self) -> list[tuple[str, str]]:
        """What goes on the suppression list: addresses, phones and source records."""
        return [(kind, value) for kind, value in self.rows()
                if kind in ("email", "phone", "record")]


class Tables:
    """Which tables and columns the warehouse has, read once."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.columns: dict[str, dict[str, str]] = defaultdict(dict)
        self.base: set[str] = set()
        for schema, table, column, data_type, table_type in con.execute(
            """
            select c.table_schema, c.table_name, c.column_name, c.data_type, t.table_type
            from information_schema.columns c
            join information_schema.tables t
                on t.table_schema = c.table_schema and t.table_name = c.table_name
            order by c.table_schema, c.table_name, c.ordinal_position
            """
        ).fetchall():
            name = f"{schema}.{table}"
            self.columns[name][column] = data_type
            if table_type == "BASE TABLE":
                self.base.add(name)

    def has(self, table: str, *columns: str) -> bool:
        return table in self.columns and all(c in self.columns[table] for c in columns)


def _values(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[str]:
    return [row[0] for row in con.execute(sql, params).fetchall() if row[0] is not None]


def resolve(con: duckdb.DuckDBPyConnection, subject_kind: str, subject: str) -> Subject:
    """Every key of the person named by an email address or a golden id."""
    tables = Tables(con)
    person = Subject()
    if subject_kind == "email":
        person.add("email", subject)
    elif subject_kind == "golden_id":
        person.add("golden_id", subject)
    else:
        raise ValueError(f"unknown subject kind {subject_kind!r}")

    emails = sorted(person.of("email"))
    if emails and tables.has("identity.records", "email") and tables.has("identity.crosswalk"):
        person.add("golden_id", _values(con, """
            select c.golden_id from identity.records r
            join identity.crosswalk c using (source, source_id)
            where lower(trim(r.email)) in (select unnest(?::varchar[]))""", [emails]))
    for profiles in ("identity.golden_profiles", "marts.dim_customers"):
        if emails and tables.has(profiles, "golden_id", "email"):
            person.add("golden_id", _values(
                con, f"select golden_id from {profiles} "
                     "where lower(trim(email)) in (select unnest(?::varchar[]))", [emails]))
    _add_aliases(con, tables, person)

    if tables.has("identity.crosswalk"):
        for source, source_id in con.execute(
                "select source, source_id from identity.crosswalk "
                "where golden_id in (select unnest(?::varchar[]))",
                [sorted(person.of("golden_id"))]).fetchall():
            person.add("record", record_key(source, source_id))
    if emails and tables.has("identity.records", "email"):
        for source, source_id in con.execute(
                "select source, source_id from identity.records "
                "where lower(trim(email)) in (select unnest(?::varchar[]))", [emails]).fetchall():
            person.add("record", record_key(source, source_id))
    records = sorted(person.of("record"))
    if tables.has("identity.records", "email", "phone_key"):
        for email, phone in con.execute(
                "select email, phone_key from identity.records "
                "where source || ':' || source_id in (select unnest(?::varchar[]))",
                [records]).fetchall():
            person.add("email", email)
            person.add("phone", phone)
    for record in records:
        source, _, source_id = record.partition(":")
        if source in SOURCE_ID_KINDS:
            person.add(SOURCE_ID_KINDS[source], source_id)
    _add_raw_keys(con, tables, person)
    return person


def _add_aliases(con: duckdb.DuckDBPyConnection, tables: Tables, person: Subject) -> None:
    """Golden ids merged into the person's, and the ones theirs were merged into."""
    if not tables.has("identity.golden_id_registry", "golden_id", "alias_of"):
        return
    for _ in range(3):  # chains of merges are short; stop when nothing new comes
        known = sorted(person.of("golden_id"))
        person.add("golden_id", _values(con, """
            select golden_id from identity.golden_id_registry
            where alias_of in (select unnest(?::varchar[]))
            union
            select alias_of from identity.golden_id_registry
            where golden_id in (select unnest(?::varchar[]))""", [known, known]))
        if len(person.of("golden_id")) == len(known):
            return


def _add_raw_keys(con: duckdb.DuckDBPyConnection, tables: Tables, person: Subject) -> None:
    """Source records found by address in the raw tables, and the orders under the person."""
    emails = sorted(person.of("email"))
    by_email = (("raw_shop.customers", "id", "email", "shop_customer", "shop"),
                ("raw_erp.partners", "id", "email", "erp_partner", "erp"),
                ("raw_email.members", "id", "email_address", "email_member", "email"))
    for table, key, email, kind, source in by_email:
        if tables.has(table, key, email):
            found = _values(con, f"select cast({key} as varchar) from {table} "
                                 f"where lower(trim({email})) in (select unnest(?::varchar[]))",
                            [emails])
            person.add(kind, found)
            person.add("record", [record_key(source, value) for value in found])
    if tables.has("raw_shop.orders", "id", "customer__id", "email"):
        person.add("shop_order", _values(con, """
            select id from raw_shop.orders
            where customer__id in (select unnest(?::varchar[]))
                or lower(trim(email)) in (select unnest(?::varchar[]))""",
            [sorted(person.of("shop_customer")), emails]))
    if tables.has("raw_erp.sale_orders", "id", "partner_id"):
        person.add("erp_order", _values(con, """
            select cast(id as varchar) from raw_erp.sale_orders
            where cast(partner_id as varchar) in (select unnest(?::varchar[]))""",
            [sorted(person.of("erp_partner"))]))
