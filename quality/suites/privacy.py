"""Privacy promises as suites: no erased person in the marts, nobody without consent in an audience.

Both need more than SQL: whether a customer is an erased person is a salted hash
of their address on the suppression list, and an audience is a file on disk. So
each suite reads its batch in Python (`SuiteSpec.read`) and hands GX one flag
per row; the batch holds golden ids and flags, never an address.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import great_expectations as gx
import pandas as pd

from quality.privacy.suppression import Suppressions, active_hashes
from quality.suites.spec import SuiteSpec

Salt = Callable[[], bytes]


def _has(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_schema = ? "
        "and table_name = ?", [schema, table]).fetchone()[0])


def erased_golden_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Golden ids whose erasure completed (`governance.erasure_requests.golden_ids`)."""
    if not _has(con, "governance", "erasure_requests"):
        return set()
    found: set[str] = set()
    for (ids,) in con.execute("select golden_ids from governance.erasure_requests "
                              "where status = 'erased' and golden_ids is not null").fetchall():
        found.update(json.loads(ids))
    return found


def _suppressed(suppressions: Suppressions, emails: pd.Series, phones: pd.Series) -> list[bool]:
    if not suppressions.hashes:
        return [False] * len(emails)
    return [suppressions.matches("email", e) or suppressions.matches("phone", p)
            for e, p in zip(emails, phones, strict=True)]


def erased_subjects_suite(salt: Salt) -> SuiteSpec:
    """No customer of `marts.dim_customers` is someone whose erasure was carried out."""

    def read(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        frame = con.execute("select golden_id, email, phone from marts.dim_customers").df()
        suppressions = Suppressions(salt(), active_hashes(con))
        return pd.DataFrame({
            "golden_id": frame["golden_id"],
            "is_erased_golden_id": frame["golden_id"].isin(erased_golden_ids(con)),
            "is_suppressed_contact": _suppressed(suppressions, frame["email"], frame["phone"]),
        })

    e = gx.expectations
    return SuiteSpec(
        name="marts.dim_customers_erasure", asset=("marts", "dim_customers"),
        check_name="gx_no_erased_subject_suite", read=read,
        expectations=[
            e.ExpectColumnValuesToBeInSet(column="is_erased_golden_id", value_set=[False]),
            e.ExpectColumnValuesToBeInSet(column="is_suppressed_contact", value_set=[False]),
        ],
    )


AUDIENCE_COLUMNS = ["export_id", "golden_id", "channel", "has_consent", "is_suppressed"]


def latest_exports(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, Path]]:
    """(export id, channel, file) of the newest export of each segment and channel on disk."""
    if not _has(con, "governance", "audience_exports"):
        return []
    rows = con.execute("""
        select export_id, channel, path from governance.audience_exports
        qualify row_number() over (partition by segment, channel
                                   order by exported_at desc) = 1""").fetchall()
    return [(export_id, channel, Path(path)) for export_id, channel, path in rows
            if Path(path).is_file()]


def audience_consent_suite(salt: Salt) -> SuiteSpec:
    """Everyone in the current audience files may be contacted on that channel now."""

    def read(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        consent = {(g, c): bool(ok) for g, c, ok in con.execute(
            "select golden_id, channel, can_contact from marts.customer_consent "
            "where purpose = 'marketing'").fetchall()}
        suppressions = Suppressions(salt(), active_hashes(con))
        rows = []
        for export_id, channel, path in latest_exports(con):
            kind = "email" if channel == "email" else "phone"
            with path.open(newline="", encoding="utf-8") as handle:
                for record in csv.DictReader(handle):
                    golden_id = record.get("golden_id")
                    contact = record.get("email" if channel == "email" else "phone")
                    rows.append((export_id, golden_id, channel,
                                 consent.get((golden_id, channel), False),
                                 bool(contact) and suppressions.matches(kind, contact)))
        return pd.DataFrame(rows, columns=AUDIENCE_COLUMNS).astype(
            {"has_consent": bool, "is_suppressed": bool})

    e = gx.expectations
    return SuiteSpec(
        name="activation.audience_members", asset=("activation", "audiences"),
        check_name="gx_audience_consent_suite", read=read,
        expectations=[
            e.ExpectColumnValuesToNotBeNull(column="golden_id"),
            e.ExpectColumnValuesToBeInSet(column="has_consent", value_set=[True]),
            e.ExpectColumnValuesToBeInSet(column="is_suppressed", value_set=[False]),
        ],
    )


def privacy_suites(salt: Salt) -> tuple[Callable[[], SuiteSpec], ...]:
    """The two suites, each built with the suppression list's salt (read when they run)."""
    return (lambda: erased_subjects_suite(salt), lambda: audience_consent_suite(salt))
