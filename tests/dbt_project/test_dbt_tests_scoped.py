"""On an incremental `dbt build`, the data tests of an incremental fact check the rows
that build took in (loaded or re-resolved since the last one): a bad row the load
brings is caught, an old row they checked before is not read again. The customer marts'
tests read the rows their builds rewrote (`row_changed_at`). `dbt test` on its own and
a full refresh check every row."""

from __future__ import annotations

import duckdb
import pytest
from dbt_harness import invoke_dbt
from dbt_raw_world import build_raw_warehouse

LATER_LOAD = "'1754006400.5'"
AS_OF = {"CDP_METRICS_AS_OF": "2025-08-02 00:00:00"}

# a later sync brings Ben's new order, in a currency the rates do not cover: its
# has_fx_rate test warns (fails with --warn-error)
BAD_NEW_ROW = f"""
    insert into raw_shop.orders values
        ('gid://shopify/Order/5006', '#1006', 'ben.mueller@example.com', null,
         '2025-07-20T10:00:00Z', '2025-07-20T10:00:00Z', '2025-07-20T10:00:00Z', null,
         'PAID', 'FULFILLED', 'USD', '40.00', 'USD',
         'gid://shopify/Customer/1002', {LATER_LOAD}, 'o6');
"""
# an old order spoiled in place, after the build that tested it
SPOILED_OLD_ROW = "update marts.fct_orders set source = 'spoiled' where order_key = 'erp:500'"
SOURCE_TEST = "accepted_values_fct_orders_source"
# an old guest order (no customer record: no golden id, never resolved) spoiled in place:
# a build took it in with its load, and no later build rewrites it
UNRESOLVED_ORDER = "shop:gid://shopify/Order/5004"
SPOILED_OLD_UNRESOLVED_ROW = ("update marts.fct_orders set source = 'spoiled' "
                              f"where order_key = '{UNRESOLVED_ORDER}'")
# a customer no later build rewrites, spoiled in place in a row-stamped mart
SPOILED_OLD_CONSENT = ("update marts.customer_consent set consent_status = 'spoiled' "
                       "where golden_id = 'gc-eve'")
CONSENT_STATUS_TEST = "accepted_values_customer_consent_consent_status"
# an event of the append-only ledger, spoiled in place after the build that appended it
SPOILED_OLD_EVENT = ("update marts.consent_ledger set action = 'spoiled' "
                     "where event_key = (select min(event_key) from marts.consent_ledger)")
LEDGER_ACTION_TEST = "accepted_values_consent_ledger_action"
LEDGER_UNIQUE_TEST = "unique_consent_ledger_event_key"
FX_RATE_TEST = "accepted_values_fct_orders_has_fx_rate"


def statuses(result) -> dict[str, str]:
    return {node.node.name: str(node.status) for node in result.result.results}


def status_of(statuses_by_name: dict[str, str], prefix: str) -> str:
    [name] = [name for name in statuses_by_name if name.startswith(prefix)]
    return statuses_by_name[name]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    work_dir = tmp_path_factory.mktemp("dbt_tests_scoped")
    warehouse = work_dir / "cdp.duckdb"
    build_raw_warehouse(str(warehouse))
    seen: dict = {}
    first = invoke_dbt(["build"], work_dir=work_dir, warehouse=warehouse, environment=AS_OF)
    seen["first"] = (first.success, statuses(first))
    with duckdb.connect(str(warehouse)) as connection:
        seen["unresolved"] = connection.execute(
            "select golden_id, identity_resolved_at from marts.fct_orders "
            f"where order_key = '{UNRESOLVED_ORDER}'").fetchall()
        connection.execute(SPOILED_OLD_ROW)
        connection.execute(SPOILED_OLD_UNRESOLVED_ROW)
        connection.execute(SPOILED_OLD_CONSENT)
        connection.execute(SPOILED_OLD_EVENT)
        connection.execute(BAD_NEW_ROW)
    # a build with warnings as errors: the USD order fails it
    strict = invoke_dbt(["build", "--warn-error"], work_dir=work_dir, warehouse=warehouse,
                        environment=AS_OF)
    seen["strict"] = (strict.success, statuses(strict))
    # nothing new: the USD order is tested again (a warning now), then no longer
    for run in ("after_failure", "after_pass"):
        result = invoke_dbt(["build"], work_dir=work_dir, warehouse=warehouse,
                            environment=AS_OF)
        seen[run] = (result.success, statuses(result))
    [compiled_unique] = (work_dir / "target" / "run").rglob(f"{LEDGER_UNIQUE_TEST}*.sql")
    seen["ledger_unique_sql"] = compiled_unique.read_text()
    with duckdb.connect(str(warehouse)) as connection:
        seen["log"] = connection.execute(
            "select model, full_build, tests_passed from dbt_meta.incremental_builds "
            "where model = 'fct_orders' order by recorded_at").fetchall()
        seen["stamped_log"] = connection.execute(
            "select full_build, tests_passed from dbt_meta.row_stamped_builds "
            "where model = 'customer_consent' order by recorded_at").fetchall()
    alone = invoke_dbt(["test", "--select", "fct_orders", "customer_consent", "consent_ledger"],
                       work_dir=work_dir, warehouse=warehouse, environment=AS_OF)
    seen["test_alone"] = (alone.success, statuses(alone))
    return seen


def test_the_first_build_tests_every_row_and_passes(runs):
    success, by_name = runs["first"]
    assert success
    assert status_of(by_name, SOURCE_TEST) == "pass"
    assert status_of(by_name, FX_RATE_TEST) == "pass"


def test_a_bad_row_the_load_brings_fails_the_build_that_takes_it_in(runs):
    success, by_name = runs["strict"]
    assert not success
    assert status_of(by_name, FX_RATE_TEST) in ("fail", "error")


def test_an_old_row_is_not_read_again_by_an_incremental_build(runs):
    _, by_name = runs["strict"]
    assert status_of(by_name, SOURCE_TEST) == "pass"


def test_an_old_row_without_a_golden_id_is_not_read_again(runs):
    # it has no `identity_resolved_at` to place it after the last build: its load does
    assert runs["unresolved"] == [(None, None)]
    for run in ("strict", "after_failure", "after_pass"):
        assert status_of(runs[run][1], SOURCE_TEST) == "pass", run


def test_a_customer_mart_row_no_build_rewrote_is_not_read_again(runs):
    for run in ("strict", "after_failure", "after_pass"):
        assert status_of(runs[run][1], CONSENT_STATUS_TEST) == "pass", run
    # the strict build skipped its test against dim_customers (dim_customers waits for
    # fct_orders, whose test failed): not passed, so the next build tests its rows again
    assert runs["stamped_log"] == [(True, True), (False, False), (False, True), (False, True)]


def test_an_old_event_of_the_append_only_ledger_is_not_read_again(runs):
    for run in ("strict", "after_failure", "after_pass"):
        assert status_of(runs[run][1], LEDGER_ACTION_TEST) == "pass", run


def test_the_ledger_unique_test_reads_every_row_sharing_a_key_with_a_new_one(runs):
    # nothing replaces an appended event's key, so a duplicate may pair a new row with
    # an old one: the narrowed test takes every row holding a key a new row holds
    compiled = " ".join(runs["ledger_unique_sql"].split())
    assert "event_key in ( select event_key from" in compiled
    assert "where recorded_at > cast(" in compiled


def test_rows_whose_tests_failed_are_tested_again_until_a_build_passes(runs):
    assert runs["after_failure"][0]
    assert status_of(runs["after_failure"][1], FX_RATE_TEST) == "warn"
    assert status_of(runs["after_pass"][1], FX_RATE_TEST) == "pass"


def test_dbt_test_on_its_own_checks_every_row(runs):
    success, by_name = runs["test_alone"]
    assert not success
    assert status_of(by_name, SOURCE_TEST) == "fail"
    assert status_of(by_name, CONSENT_STATUS_TEST) == "fail"
    assert status_of(by_name, LEDGER_ACTION_TEST) == "fail"


def test_each_build_of_a_fact_is_logged_with_its_verdict(runs):
    assert runs["log"] == [
        ("fct_orders", True, True),     # the first build, in full
        ("fct_orders", False, False),   # the USD order, with warnings as errors
        ("fct_orders", False, True),    # tested again: a warning
        ("fct_orders", False, True),    # nothing new
    ]

