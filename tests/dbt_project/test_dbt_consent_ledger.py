"""The consent ledger is append-only across builds: a later load that changes a
customer's consent in the raw tables (which keep only the current state) appends the
new event, keeps the earlier one, and `dbt build --full-refresh` removes nothing;
customer_consent follows the newer event."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dbt_harness import failures, invoke_dbt
from dbt_raw_world import ANNA, build_raw_warehouse

# a sync after every load the raw fixture holds (2025-08-01 00:00:00.5 UTC)
LATER_LOAD = "'1754006400.5'"
CARLA_SHOP = "gid://shopify/Customer/1003"

LATER_CONSENT = f"""
    -- Carla subscribes again in the shop: Shopify overwrites her UNSUBSCRIBED state
    update raw_shop.customers
    set email_marketing_consent__marketing_state = 'SUBSCRIBED',
        email_marketing_consent__consent_updated_at = '2025-07-15T10:00:00Z',
        updated_at = '2025-07-15T10:00:00Z',
        _dlt_load_id = {LATER_LOAD}
    where id = '{CARLA_SHOP}';
    -- Anna unsubscribes from the campaign
    insert into raw_email.email_activity values
        ('c0ffee1234', '{ANNA}', 'anna.schmidt@example.com', 'unsubscribe',
         '2025-07-16T08:00:00+00:00', null, null, {LATER_LOAD}, 'e9');
"""

LEDGER = "select * from marts.consent_ledger order by event_key"
# without the stamp of the build that wrote a row: a full rebuild writes every row now
CONSENT = ("select * exclude (row_changed_at) from marts.customer_consent "
           "order by consent_key")


def rows(warehouse: Path, sql: str) -> list[dict]:
    with duckdb.connect(str(warehouse)) as connection:
        cursor = connection.execute(sql)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def build(work_dir: Path, warehouse: Path, *flags: str) -> None:
    result = invoke_dbt(["build", *flags], work_dir=work_dir, warehouse=warehouse)
    assert result.success, failures(result)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict[str, list[dict]]]:
    work_dir = tmp_path_factory.mktemp("dbt_consent_ledger")
    warehouse = work_dir / "cdp.duckdb"
    build_raw_warehouse(str(warehouse))
    seen: dict[str, dict[str, list[dict]]] = {}
    build(work_dir, warehouse)
    seen["first"] = {"ledger": rows(warehouse, LEDGER), "consent": rows(warehouse, CONSENT)}
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(LATER_CONSENT)
    build(work_dir, warehouse)
    seen["later"] = {"ledger": rows(warehouse, LEDGER), "consent": rows(warehouse, CONSENT),
                     "raw": rows(warehouse, "select * from staging.stg_shop__customers "
                                            f"where customer_id = '{CARLA_SHOP}'")}
    build(work_dir, warehouse, "--full-refresh")
    seen["full"] = {"ledger": rows(warehouse, LEDGER), "consent": rows(warehouse, CONSENT)}
    return seen


def consent_of(run: dict, golden_id: str, channel: str = "email") -> dict:
    [row] = [row for row in run["consent"]
             if row["golden_id"] == golden_id and row["channel"] == channel]
    return row


def test_a_later_load_appends_its_events_and_keeps_every_earlier_one(runs):
    first, later = runs["first"]["ledger"], runs["later"]["ledger"]
    assert all(event in later for event in first)  # unchanged, recorded_at included
    added = [event for event in later if event not in first]
    assert sorted((event["source"], event["action"], event["method"], str(event["event_at"]),
                   str(event["recorded_at"])) for event in added) == [
        ("email", "withdrawn", "mailchimp_unsubscribe", "2025-07-16 08:00:00",
         "2025-08-01 00:00:00.500000"),
        ("shop", "granted", "shopify_email_marketing_consent", "2025-07-15 10:00:00",
         "2025-08-01 00:00:00.500000"),
    ]


def test_the_overwritten_state_stays_in_the_ledger_only(runs):
    # the raw table holds Carla's new state only ...
    assert runs["later"]["raw"][0]["email_marketing_state"] == "SUBSCRIBED"
    # ... the ledger still holds her earlier unsubscribe
    carla = [(event["action"], str(event["event_at"])) for event in runs["later"]["ledger"]
             if event["source_record_id"] == CARLA_SHOP]
    assert sorted(carla) == [("granted", "2025-07-15 10:00:00"),
                             ("withdrawn", "2024-12-01 10:00:00")]


def test_a_full_refresh_removes_no_event(runs):
    assert runs["full"]["ledger"] == runs["later"]["ledger"]


def test_customer_consent_follows_the_newer_events(runs):
    carla_before = consent_of(runs["first"], "gc-carla")
    carla = consent_of(runs["later"], "gc-carla")
    assert (carla_before["consent_status"], carla_before["can_contact"]) == (
        "unsubscribed", False)
    assert (carla["consent_status"], carla["can_contact"], carla["consent_source"],
            carla["consent_method"], str(carla["consent_updated_at"])) == (
        "subscribed", True, "shop", "shopify_email_marketing_consent", "2025-07-15 10:00:00")
    anna = consent_of(runs["later"], "gc-anna")
    assert (anna["consent_status"], anna["consent_method"],
            str(anna["consent_updated_at"])) == (
        "unsubscribed", "mailchimp_unsubscribe", "2025-07-16 08:00:00")
    # the consent names the ledger event it came from
    keys = {event["event_key"] for event in runs["later"]["ledger"]}
    assert carla["consent_event_key"] in keys and anna["consent_event_key"] in keys
    # rebuilt whole from the ledger, it is the same
    assert runs["full"]["consent"] == runs["later"]["consent"]
