"""Schema drift: what each API can really change, loaded without a crash and reported.

What drift means per source:

- Shopify GraphQL: the response shape is fixed by the query and the pinned API
  version, so no field appears and no type changes within a version. What does
  happen is a nullable field or object turning null (no email, no default
  address, no consent record): the load goes on, nothing is reported as drift.
- Odoo: the connector asks for the fields it names, so a custom `x_...` field
  added to a model is not read (no column, no report). A module can redefine a
  named field with another type (an integer field becomes a float): its values
  go to a variant column and the change is reported.
- Mailchimp: merge fields are the audience's own schema. A field the owner adds
  lands as a new column; a merge tag deleted and recreated with another type
  (number -> text, address -> text) is reported, never a crash.
- X: fields are asked for explicitly, but X adds keys inside objects it returns
  (`public_metrics.media_count` on users); they land as new flattened columns.
  X v2 does not change a field's type.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conn_helpers import FAST_RETRY
from sim_compare import assert_raw_matches

from connectors import drift
from connectors.email import email_source
from connectors.erp import erp_source
from connectors.shop import shop_source
from connectors.social import social_source
from sandbox.simulators import start_email, start_erp, start_shop, start_social


def run(wh, source):
    before = drift.snapshot(wh.pipeline)
    wh.run(source)
    return drift.detect(wh.pipeline, before, wh.source)


def later(seconds=5):
    return datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=seconds)


@pytest.fixture
def sims(world):
    started = []

    def make(start, **kw):
        started.append(start(world, **kw))
        return started[-1]

    yield make
    for handle in started:
        handle.stop()


def test_shop_fields_turning_null_load_and_are_not_drift(sims, warehouse):
    shop = sims(start_shop, token="t", bucket_size=20000, restore_rate=20000)
    wh = warehouse("shop")

    def src():
        return shop_source(shop.root_url, "t", page_size=40, retry_policy=FAST_RETRY,
                           detect_deletions=False)

    assert not run(wh, src()), "a first load is the baseline, not drift"
    stamp = later().strftime("%Y-%m-%dT%H:%M:%SZ")
    for c in shop.snapshot("customers")[:5]:
        shop.simulator.store.put("customers", {
            **c, "email": None, "defaultAddress": None, "emailMarketingConsent": None,
            "smsMarketingConsent": None, "updatedAt": stamp})
    report = run(wh, src())
    assert report.changes == []
    assert "default_address" not in wh.columns("customers")
    assert_raw_matches(wh.query, shop.snapshot, "shop")


def test_erp_changed_type_goes_to_a_variant_and_is_reported(sims, warehouse, all_logs):
    erp = sims(start_erp, api_key="k")
    wh = warehouse("erp")

    def src():
        return erp_source(erp.base_url, "cdp", "admin", "k", page_size=30,
                          retry_policy=FAST_RETRY)

    assert not run(wh, src())
    stamp = later().strftime("%Y-%m-%d %H:%M:%S")
    partners = erp.snapshot("res.partner")
    # a module redefines customer_rank as a float; a custom x_ field is added
    changed = {**partners[0], "customer_rank": 2.5, "x_loyalty_tier": "gold", "write_date": stamp}
    erp.simulator.store.put("res.partner", changed)
    report = run(wh, src())
    assert [(c.table, c.column, c.kind, c.data_type, c.was) for c in report.changes] == [
        ("partners", "customer_rank", "type_change", "double", "bigint")]
    # the erp schema uses dlt's direct naming: its variants are `<column>▶v_<type>`
    variant = wh.query(f"select \"customer_rank▶v_double\" from raw_erp.partners where id = "
                       f"{changed['id']}")
    assert variant == [(2.5,)]
    assert "x_loyalty_tier" not in wh.columns("partners"), "Odoo fields are read by name"
    warnings = [r for r in all_logs.records if r.name == "connectors.drift"]
    assert [r.levelname for r in warnings] == ["WARNING"]
    assert "partners.customer_rank" in warnings[0].getMessage()
    assert "2.5" not in warnings[0].getMessage(), "names, never values"
    assert_raw_matches(wh.query, erp.snapshot, "erp")


def test_email_new_and_retyped_merge_fields(sims, warehouse):
    email = sims(start_email, api_key="key-us1")
    wh = warehouse("email")

    def src():
        return email_source(email.base_url, "key-us1", "a1b2c3d4e5", page_size=40,
                            retry_policy=FAST_RETRY).with_resources("members")

    assert not run(wh, src())
    members = email.snapshot("members")
    store = email.simulator.store

    def touch(member, seconds, **merge):
        stamp = later(seconds).strftime("%Y-%m-%dT%H:%M:%S+00:00")
        fields = {**member["merge_fields"], **merge}
        store.put("members", {**member, "merge_fields": fields, "last_changed": stamp})

    # the owner adds a number merge field SCORE; an audience's ADDRESS is a text field
    touch(members[0], 5, SCORE=42)
    touch(members[1], 5, SCORE=7, ADDRESS="12 Main Street, Leeds")
    report = run(wh, src())
    assert {(c.column, c.kind) for c in report.changes} == {
        ("merge_fields__score", "new_column"), ("merge_fields__address", "new_column")}
    assert_raw_matches(wh.query, email.snapshot, "email", ("members",))

    # SCORE deleted and recreated as a text field: the same tag, now "gold"
    touch(email.simulator.store.get("members", members[2]["id"]), 10, SCORE="gold")
    report = run(wh, src())
    assert [(c.table, c.column, c.kind, c.was) for c in report.changes] == [
        ("members", "merge_fields__score", "type_change", "bigint")]
    got = dict(wh.query("select id, coalesce(cast(merge_fields__score as varchar), "
                        "merge_fields__score__v_text) from raw_email.members"))
    assert (got[members[0]["id"]], got[members[1]["id"]], got[members[2]["id"]]) == (
        "42", "7", "gold")
    address = wh.query("select merge_fields__address from raw_email.members "
                       f"where id = '{members[1]['id']}'")
    assert address == [("12 Main Street, Leeds",)], "a text ADDRESS is kept, not dropped"
    assert_raw_matches(wh.query, email.snapshot, "email", ("members",))


def test_social_new_nested_key_lands_flattened(sims, warehouse):
    social = sims(start_social, token="t")
    wh = warehouse("social")

    def src():
        return social_source(social.base_url, "t", page_size=20, followers_page_size=20,
                             retry_policy=FAST_RETRY, max_rate_limit_wait=5)

    assert not run(wh, src())
    users = [u for u in social.snapshot("users") if u["id"] != "1000000000000000001"]
    for u in users[:3]:
        metrics = {**(u.get("public_metrics") or {}), "media_count": 12}
        social.simulator.store.put("users", {**u, "public_metrics": metrics})
    report = run(wh, src())
    assert [(c.table, c.column, c.kind, c.data_type) for c in report.changes] == [
        ("users", "public_metrics__media_count", "new_column", "bigint")]
    rows = wh.query("select count(*) from raw_social.users where public_metrics__media_count = 12")
    assert rows == [(3,)]
    assert_raw_matches(wh.query, social.snapshot, "social")
