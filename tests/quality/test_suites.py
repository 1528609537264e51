"""The raw, identity and consent suites on a real DuckDB warehouse, read through their
own queries: good data passes, each broken promise fails its expectation, and a failed
expectation on a personal column counts the rows without naming a value."""

from __future__ import annotations

import duckdb
import pytest

from quality.suites.identity import crosswalk_suite, golden_profiles_suite
from quality.suites.marts import customer_consent_suite
from quality.suites.raw import email_members_suite
from quality.validate import validate_dataframe


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "cdp.duckdb"))
    con.execute("create schema raw_email; create schema identity; create schema marts")
    con.execute("create table raw_email.members as select md5(i::varchar) as id, "
                "'person' || i || '@example.com' as email_address, 'subscribed' as status "
                "from range(40) t(i)")
    con.execute("create table identity.golden_profiles as select 'g' || i as golden_id "
                "from range(3) t(i)")
    con.execute("create table identity.crosswalk (source varchar, source_id varchar, "
                "golden_id varchar)")
    con.execute("insert into identity.crosswalk values ('shop', '1', 'g0'), "
                "('email', 'm1', 'g1'), ('erp', '7', 'g2')")
    con.execute("create table marts.customer_consent as select 'g' || i || ':email:marketing' "
                "as consent_key, 'email' as channel, 'marketing' as purpose, "
                "'subscribed' as consent_status, true as can_contact, "
                "timestamp '2026-12-01 10:00:00' as row_changed_at from range(3) t(i)")
    yield con
    con.close()


def run(con, build):
    spec = build()
    return validate_dataframe(con.execute(spec.query).df(), spec)


def failed(outcome):
    return {(o.expectation, o.column) for o in outcome.failed}


def test_good_data_passes_every_suite(con):
    for build in (email_members_suite, crosswalk_suite, golden_profiles_suite,
                  customer_consent_suite):
        outcome = run(con, build)
        assert outcome.success, (build.__name__, outcome.failed)


def test_broken_emails_fail_by_rate_and_name_no_address(con):
    # 5 of 40 broken: 87.5% valid, under the 90% the suite asks
    con.execute("update raw_email.members set email_address = 'secret-' || id "
                "where email_address similar to 'person[0-4]@example.com'")
    con.execute("update raw_email.members set status = 'bogus' where id = md5('39')")
    outcome = run(con, email_members_suite)
    assert failed(outcome) == {("expect_column_values_to_match_regex", "email_address"),
                               ("expect_column_values_to_be_in_set", "status")}
    by_column = {o.column: o for o in outcome.failed}
    assert by_column["email_address"].unexpected_count == 5
    assert by_column["email_address"].unexpected_sample == ()
    assert by_column["status"].unexpected_sample == ("bogus",)
    assert "secret-" not in repr(outcome)


def test_a_missing_or_repeated_key_fails(con):
    con.execute("insert into raw_email.members values (null, 'x@example.com', 'subscribed'), "
                "(md5('1'), 'y@example.com', 'subscribed')")
    assert failed(run(con, email_members_suite)) == {
        ("expect_column_values_to_not_be_null", "id"),
        ("expect_column_values_to_be_unique", "id")}


def test_a_crosswalk_row_to_a_gone_golden_id_fails(con):
    con.execute("insert into identity.crosswalk values ('social', 'x1', 'g-gone')")
    assert failed(run(con, crosswalk_suite)) == {
        ("expect_column_values_to_be_in_set", "golden_id_is_live")}


def test_a_golden_id_without_members_fails(con):
    con.execute("insert into identity.golden_profiles values ('g-empty')")
    assert failed(run(con, golden_profiles_suite)) == {
        ("expect_column_values_to_be_between", "members")}


def test_a_golden_profile_stored_twice_fails(con):
    con.execute("insert into identity.golden_profiles values ('g1')")
    assert failed(run(con, golden_profiles_suite)) == {
        ("expect_column_values_to_be_unique", "golden_id")}


def test_contactable_without_subscription_fails(con):
    con.execute("update marts.customer_consent set consent_status = 'unsubscribed' "
                "where consent_key like 'g1:%'")
    assert failed(run(con, customer_consent_suite)) == {
        ("expect_column_values_to_be_in_set", "contact_follows_status")}
