"""The privacy suites catch an erased person in the marts and a non-consented one in an audience."""

from __future__ import annotations

import csv
import json

import duckdb
import pytest

from activation.audience import export_audience
from quality.privacy import suppression
from quality.privacy.requests import ensure_tables
from quality.suites.privacy import audience_consent_suite, erased_subjects_suite
from quality.validate import validate_dataframe

SALT = b"suite-test"


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    connection.execute("""
        create schema marts;
        create table marts.dim_customers (golden_id varchar, email varchar, phone varchar,
            first_name varchar, last_name varchar, rfm_segment varchar);
        insert into marts.dim_customers values
            ('cdp_a', 'ann@example.com', null, 'Ann', 'A', 'champions'),
            ('cdp_b', 'bob@example.com', '+14155550100', 'Bob', 'B', 'champions');
        create table marts.customer_consent (golden_id varchar, channel varchar,
            purpose varchar, consent_status varchar, can_contact boolean);
        insert into marts.customer_consent values
            ('cdp_a', 'email', 'marketing', 'subscribed', true),
            ('cdp_b', 'email', 'marketing', 'subscribed', true);
    """)
    ensure_tables(connection)
    yield connection
    connection.close()


def run(spec, con):
    outcome = validate_dataframe(spec.batch(con), spec)
    return outcome.success, {o.column for o in outcome.failed}


def test_clean_marts_pass(con):
    assert run(erased_subjects_suite(lambda: SALT), con) == (True, set())


def test_a_golden_id_whose_erasure_completed_fails_the_suite(con):
    con.execute("""insert into governance.erasure_requests (request_id, subject_kind,
        subject_hash, requester, reason, requested_at, due_at, status, golden_ids)
        values ('er-1', 'email', 'h', 'dpo', 'r', now(), now(), 'erased', ?)""",
                [json.dumps(["cdp_b"])])
    assert run(erased_subjects_suite(lambda: SALT), con) == (False, {"is_erased_golden_id"})


def test_a_suppressed_address_or_phone_fails_the_suite_without_showing_it(con):
    suppression.add(con, SALT, "er-2", [("phone", "+1 (415) 555-0100")])
    spec = erased_subjects_suite(lambda: SALT)
    batch = spec.batch(con)
    assert "email" not in batch.columns and "phone" not in batch.columns
    assert run(spec, con) == (False, {"is_suppressed_contact"})


def test_an_audience_is_checked_against_consent_now(con, tmp_path):
    export = export_audience(con, "champions", "email", tmp_path / "champions.csv")
    spec = audience_consent_suite(lambda: SALT)
    assert run(spec, con) == (True, set())
    con.execute("update marts.customer_consent set consent_status = 'unsubscribed', "
                "can_contact = false where golden_id = 'cdp_a'")
    assert run(spec, con) == (False, {"has_consent"}), "Ann withdrew after the export"
    with export.path.open(encoding="utf-8") as handle:
        assert [r["golden_id"] for r in csv.DictReader(handle)] == ["cdp_a", "cdp_b"]


def test_a_suppressed_person_in_an_audience_fails_it(con, tmp_path):
    export_audience(con, "champions", "email", tmp_path / "champions.csv")
    suppression.add(con, SALT, "er-3", [("email", "bob@example.com")])
    assert run(audience_consent_suite(lambda: SALT), con) == (False, {"is_suppressed"})


def test_no_audience_yet_passes(con):
    assert run(audience_consent_suite(lambda: SALT), con) == (True, set())
