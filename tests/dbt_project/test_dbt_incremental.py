"""The marts build incrementally: a later load adds or replaces what it touched (a new
order with its lines, a refund, an edited order's lines, an email open, a changed
consent, appended to the consent ledger), a re-resolved
person moves to their new golden id, rows nothing touched are left alone, and every mart
equals what a full rebuild gives. So does the table of source records identity reads:
a deletion or an X message rebuilds the record it names."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dbt_harness import failures, invoke_dbt
from dbt_raw_world import ANNA, build_raw_warehouse

# a sync after every load and deletion the raw fixture holds (2025-08-01), with the
# seven decimals of a dlt load id (`str(time.time())`), one more than a timestamp keeps
LATER_LOAD = "'1754006400.5000001'"
BEN_X = "2000000000000000002"
# the metrics' clock, fixed so that the incremental and the full build see the same day
AS_OF = {"CDP_METRICS_AS_OF": "2025-08-02 00:00:00"}

# appended to a column of rows no later load touches: an incremental build keeps it
MARK = "#marked"

# every mart by its key; all columns are compared
MARTS = {
    "fct_touchpoints": "touchpoint_key",
    "fct_orders": "order_key",
    "fct_order_lines": "order_line_key",
    "customer_metrics": "golden_id",
    "customer_consent": "consent_key",
    # append-only: a full refresh leaves it as it is, so it must equal the incremental
    "consent_ledger": "event_key",
    "dim_customers": "golden_id",
}
#: the identity step's input, incremental by dlt load (schema intermediate)
RECORDS = "int_customer_records_unioned"


def relation(name: str) -> str:
    return f"intermediate.{name}" if name == RECORDS else f"marts.{name}"


#: the customer marts stamp each row they write with the build's time
STAMPED = ("dim_customers", "customer_metrics", "customer_consent")


def every_column(name: str) -> str:
    """`*`, without the stamp of the build that wrote a row: a full rebuild writes every
    row now (`stamps` follows dim_customers')."""
    return "* exclude (row_changed_at)" if name in STAMPED else "*"


def marts(warehouse: Path) -> dict[str, list[tuple]]:
    keys = {**MARTS, RECORDS: "source, source_id"}
    with duckdb.connect(str(warehouse)) as connection:
        return {name: connection.execute(
                    f"select {every_column(name)} from {relation(name)} order by {key}"
                ).fetchall() for name, key in keys.items()}


def stamps(warehouse: Path) -> dict[str, object]:
    with duckdb.connect(str(warehouse)) as connection:
        return dict(connection.execute(
            "select golden_id, row_changed_at from marts.dim_customers").fetchall())


#: a text column of each incremental table, marked on every row before a build with
#: nothing new: a row the build wrote again loses its mark
REWRITE_MARKED = {
    "fct_touchpoints": "source_record_id",
    "fct_orders": "order_name",
    "fct_order_lines": "product_name",
    "consent_ledger": "source_record_id",
    RECORDS: "full_name",
}


def mark_every_row(warehouse: Path, mark: bool) -> None:
    with duckdb.connect(str(warehouse)) as connection:
        for table, column in REWRITE_MARKED.items():
            value = f"{column} || '{MARK}'" if mark else f"replace({column}, '{MARK}', '')"
            connection.execute(f"update {relation(table)} set {column} = {value}")


def unmarked_rows(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse)) as connection:
        return {table: connection.execute(
                    f"select count(*) from {relation(table)} "
                    f"where {column} is not null and {column} not like '%{MARK}'"
                ).fetchone()[0] for table, column in REWRITE_MARKED.items()}


def columns(warehouse: Path, mart: str) -> list[str]:
    with duckdb.connect(str(warehouse)) as connection:
        return [row[0] for row in connection.execute(
            f"select {every_column(mart)} from {relation(mart)} limit 0").description]


def build(work_dir: Path, warehouse: Path, *flags: str) -> None:
    result = invoke_dbt(["build", *flags], work_dir=work_dir, warehouse=warehouse,
                        environment=AS_OF)
    assert result.success, failures(result)


LATER_CHANGES = f"""
    -- a later sync brings Anna's open of the campaign she had only been sent
    insert into raw_email.email_activity values
        ('c0ffee1234', '{ANNA}', 'anna.schmidt@example.com', 'open',
         '2025-01-03T08:00:00+00:00', null, null, {LATER_LOAD}, 'e9');
    -- Anna opts in to SMS in the shop: Shopify overwrites her NOT_SUBSCRIBED state
    -- (the same load reads her email consent again, unchanged)
    update raw_shop.customers
    set sms_marketing_consent__marketing_state = 'SUBSCRIBED',
        sms_marketing_consent__marketing_opt_in_level = 'SINGLE_OPT_IN',
        sms_marketing_consent__consent_updated_at = '2025-07-25T10:00:00Z',
        _dlt_load_id = {LATER_LOAD}
    where id = 'gid://shopify/Customer/1001';
    -- Ben's new order, with its line
    insert into raw_shop.orders values
        ('gid://shopify/Order/5006', '#1006', 'ben.mueller@example.com', null,
         '2025-07-20T10:00:00Z', '2025-07-20T10:00:00Z', '2025-07-20T10:00:00Z', null,
         'PAID', 'FULFILLED', 'EUR', '40.00', 'EUR',
         'gid://shopify/Customer/1002', {LATER_LOAD}, 'o6');
    insert into raw_shop.orders__line_items values
        ('gid://shopify/LineItem/6', 'MUG-1', 'Mug', 1, '40.00', 'EUR',
         'gid://shopify/Order/5006', 0, {LATER_LOAD}, 'l6');
    -- a refund on Ben's first order: Shopify stamps the order, so it is read again
    update raw_shop.orders set _dlt_load_id = {LATER_LOAD}, updated_at = '2025-07-21T10:00:00Z'
        where id = 'gid://shopify/Order/5003';
    insert into raw_shop.orders__refunds values
        ('gid://shopify/Refund/3', '2025-07-21T10:00:00Z', '25.25', 'EUR',
         'gid://shopify/Order/5003', 0, {LATER_LOAD}, 'r3');
    -- Anna's first order edited: the mugs swapped for a poster (the connector replaces
    -- an order's lines with it)
    update raw_shop.orders set _dlt_load_id = {LATER_LOAD}, updated_at = '2025-07-22T10:00:00Z'
        where id = 'gid://shopify/Order/5001';
    delete from raw_shop.orders__line_items where order_id = 'gid://shopify/Order/5001';
    insert into raw_shop.orders__line_items values
        ('gid://shopify/LineItem/7', 'POSTER-1', 'Poster', 1, '100.00', 'EUR',
         'gid://shopify/Order/5001', 0, {LATER_LOAD}, 'l7');
    -- Odoo: a line unlinked from Anna's order 500, and a line added to Carla's order
    -- 504 that arrives without its order (lines are a stream of their own)
    create table raw_erp.deletions (
        stream varchar, id varchar, detected_at timestamptz, _dlt_load_id varchar,
        _dlt_id varchar);
    insert into raw_erp.deletions values
        ('sale_order_lines', '5003', '2025-07-23T10:00:00Z', {LATER_LOAD}, 'ed1');
    insert into raw_erp.sale_order_lines values
        (5009, 504, 'S00504', 11, 3, '[MUG-003] Stoneware Mug', '[MUG-003] Stoneware Mug',
         1.0, 33.61, 33.61, 40.00, 1, 'EUR', null,
         '2025-07-23T10:00:00Z', '2025-07-23T10:00:00Z', {LATER_LOAD}, 'sl9');
    -- and a later identity run splits Ben's X profile off into a customer of its own
    update identity.crosswalk set golden_id = 'gc-ben-x', resolved_at = '2025-07-01T00:00:00Z'
        where source = 'social' and source_id = '{BEN_X}';
    insert into identity.golden_profiles (golden_id, source_systems, member_count,
                                          resolved_at)
        values ('gc-ben-x', 'social', 1, '2025-07-01T00:00:00Z');
    -- and merges Dave into Carla: gc-dave is gone
    update identity.crosswalk set golden_id = 'gc-carla', resolved_at = '2025-07-01T00:00:00Z'
        where golden_id = 'gc-dave';
    delete from identity.golden_profiles where golden_id = 'gc-dave';
    -- and maps Acme's Odoo contact 20, unmatched so far, to Carla: its order 503, which
    -- no load touches, moves to her
    insert into identity.crosswalk values
        ('erp', '20', 'gc-carla', 'model', '2025-07-01T00:00:00Z');
    -- and re-stamps Ben's shop customer, whose orders this sync also loads: each order
    -- is written once, as loaded
    update identity.crosswalk set resolved_at = '2025-07-01T00:00:00Z'
        where source = 'shop' and source_id = 'gid://shopify/Customer/1002';
    update identity.golden_profiles set resolved_at = '2025-07-01T00:00:00Z',
        member_count = 4 where golden_id = 'gc-carla';
    -- Carla's shop customer and her Odoo contact are deleted in their sources (their
    -- own rows are not loaded again), and Ben writes to the brand on X for the first
    -- time: the first DM table appears
    insert into raw_shop.deletions values
        ('customers', 'gid://shopify/Customer/1003', '2025-07-24T10:00:00Z', {LATER_LOAD},
         'd2');
    -- and Anna's cancelled order 5002 is deleted in the shop: the order is not loaded
    -- again, nor are its lines
    insert into raw_shop.deletions values
        ('orders', 'gid://shopify/Order/5002', '2025-07-24T10:00:00Z', {LATER_LOAD}, 'd3');
    insert into raw_erp.deletions values
        ('partners', '21', '2025-07-24T10:00:00Z', {LATER_LOAD}, 'ed2');
    -- Ben's address is put on Odoo's blacklist again (a new entry): it reaches him only
    -- through his records' emails (no record of his is loaded or re-resolved)
    insert into raw_erp.blacklist values
        (3, 'ben.mueller@example.com', true, '2025-07-24 10:00:00', '2025-07-24 10:00:00',
         {LATER_LOAD}, 'b3');
    create table raw_social.dm_events (
        id varchar, event_type varchar, text varchar, sender_id varchar,
        dm_conversation_id varchar, created_at timestamptz, _dlt_load_id varchar,
        _dlt_id varchar);
    insert into raw_social.dm_events values
        ('4000000000000000009', 'MessageCreate', 'My email is ben.mueller@example.com',
         '{BEN_X}', '1000000000000000001-{BEN_X}', '2025-07-24T10:00:00Z', {LATER_LOAD},
         'dm9');
"""


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict]:
    work_dir = tmp_path_factory.mktemp("dbt_incremental")
    warehouse = work_dir / "cdp.duckdb"
    build_raw_warehouse(str(warehouse))
    seen: dict[str, dict] = {}
    build(work_dir, warehouse)
    seen["first"], seen["first_stamps"] = marts(warehouse), stamps(warehouse)
    build(work_dir, warehouse)
    seen["again"], seen["again_stamps"] = marts(warehouse), stamps(warehouse)
    with duckdb.connect(str(warehouse)) as connection:
        # a mark on rows no later load touches: an incremental build leaves them, a
        # full rebuild does not (proof the build is incremental, not a rebuild)
        connection.execute(f"update marts.fct_touchpoints set source_record_id = "
                           f"source_record_id || '{MARK}' where touchpoint_type = 'invoice'")
        connection.execute(f"update marts.fct_orders set order_name = order_name || '{MARK}' "
                           "where source = 'erp'")
        connection.execute(f"update intermediate.{RECORDS} set full_name = full_name || "
                           f"'{MARK}' where source = 'email'")
        connection.execute(LATER_CHANGES)
    build(work_dir, warehouse)
    seen["marked_after_incremental"] = marked(warehouse)
    mark_every_row(warehouse, mark=False)
    seen["incremental"], seen["incremental_stamps"] = marts(warehouse), stamps(warehouse)
    # and a build with nothing new after it: every row it wrote again would lose its mark
    mark_every_row(warehouse, mark=True)
    build(work_dir, warehouse)
    seen["unmarked_after_again"] = unmarked_rows(warehouse)
    mark_every_row(warehouse, mark=False)
    seen["incremental_again"] = marts(warehouse)
    build(work_dir, warehouse, "--full-refresh")
    seen["full"] = marts(warehouse)
    seen["marked_after_full"] = marked(warehouse)
    seen["columns"] = {mart: columns(warehouse, mart) for mart in [*MARTS, RECORDS]}
    return seen


def marked(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse)) as connection:
        return {
            "touchpoints": connection.execute(
                "select count(*) from marts.fct_touchpoints "
                f"where source_record_id like '%{MARK}'").fetchone()[0],
            "orders": connection.execute(
                f"select count(*) from marts.fct_orders where order_name like '%{MARK}'"
            ).fetchone()[0],
            "records": connection.execute(
                f"select count(*) from intermediate.{RECORDS} where full_name like '%{MARK}'"
            ).fetchone()[0],
        }


def rows_of(runs: dict, run: str, mart: str) -> list[dict]:
    names = runs["columns"][mart]
    return [dict(zip(names, row, strict=True)) for row in runs[run][mart]]


def test_a_build_with_nothing_new_changes_nothing(runs):
    assert runs["again"] == runs["first"]
    assert runs["again_stamps"] == runs["first_stamps"]


def test_a_build_with_nothing_new_writes_no_row_again(runs):
    # not even the rows of the newest load, whose dlt id has seven decimals
    assert runs["unmarked_after_again"] == dict.fromkeys(REWRITE_MARKED, 0)
    assert runs["incremental_again"] == runs["incremental"]


def test_a_customer_row_is_stamped_by_the_build_that_rewrote_it(runs):
    before = {row["golden_id"]: row for row in rows_of(runs, "first", "dim_customers")}
    after = {row["golden_id"]: row for row in rows_of(runs, "incremental", "dim_customers")}
    first, later = runs["first_stamps"], runs["incremental_stamps"]
    build_stamp = max(later.values())
    assert build_stamp > max(first.values())
    for golden_id, row in after.items():
        changed = before.get(golden_id) != row
        assert later[golden_id] == (build_stamp if changed else first[golden_id]), golden_id


def test_rows_no_load_touched_are_left_alone_until_a_full_refresh(runs):
    assert runs["marked_after_incremental"]["touchpoints"] > 0
    assert runs["marked_after_incremental"]["orders"] > 0
    assert runs["marked_after_incremental"]["records"] > 0
    assert runs["marked_after_full"] == {"touchpoints": 0, "orders": 0, "records": 0}


@pytest.mark.parametrize("mart", [*MARTS, RECORDS])
def test_every_incremental_mart_equals_a_full_rebuild(runs, mart):
    assert runs["incremental"][mart] == runs["full"][mart]
    assert runs["incremental"][mart] != runs["first"][mart]


def test_a_later_load_adds_its_touchpoints(runs):
    first = {row["touchpoint_key"] for row in rows_of(runs, "first", "fct_touchpoints")}
    added = [row for row in rows_of(runs, "incremental", "fct_touchpoints")
             if row["touchpoint_key"] not in first]
    assert sorted((row["touchpoint_type"], row["golden_id"]) for row in added) == [
        ("email_open", "gc-anna"), ("order", "gc-ben"), ("social_message", "gc-ben-x")]


def test_a_re_resolved_person_moves_to_the_new_golden_id(runs):
    social = [row for row in rows_of(runs, "incremental", "fct_touchpoints")
              if row["channel"] == "social"]
    assert social and all(row["golden_id"] == "gc-ben-x" for row in social)
    assert all(row["golden_id"] == "gc-ben" for row in rows_of(runs, "first", "fct_touchpoints")
               if row["channel"] == "social")
    metrics = {row["golden_id"] for row in rows_of(runs, "incremental", "customer_metrics")}
    assert "gc-ben-x" in metrics


def test_an_order_no_load_touched_follows_its_re_resolved_customer(runs):
    def order_503(run: str) -> dict:
        return next(row for row in rows_of(runs, run, "fct_orders")
                    if row["order_key"] == "erp:503")
    assert order_503("first")["golden_id"] is None
    assert order_503("incremental")["golden_id"] == "gc-carla"
    lines = [row for row in rows_of(runs, "incremental", "fct_order_lines")
             if row["order_key"] == "erp:503"]
    assert lines and all(row["golden_id"] == "gc-carla" for row in lines)


def test_a_merged_away_customer_leaves_every_customer_mart(runs):
    for mart in ("dim_customers", "customer_metrics", "customer_consent"):
        before = {row["golden_id"] for row in rows_of(runs, "first", mart)}
        after = {row["golden_id"] for row in rows_of(runs, "incremental", mart)}
        assert "gc-dave" in before and "gc-dave" not in after, mart
        assert "gc-ben-x" in after, mart


def test_a_refund_and_a_new_order_reach_the_orders_and_the_customer(runs):
    orders = {row["order_id"]: row for row in rows_of(runs, "incremental", "fct_orders")}
    assert orders["gid://shopify/Order/5003"]["refunded_amount"] == pytest.approx(25.25)
    assert orders["gid://shopify/Order/5006"]["golden_id"] == "gc-ben"
    before = {row["golden_id"]: row for row in rows_of(runs, "first", "dim_customers")}
    after = {row["golden_id"]: row for row in rows_of(runs, "incremental", "dim_customers")}
    assert after["gc-ben"]["order_count"] == before["gc-ben"]["order_count"] + 1
    assert float(after["gc-ben"]["net_revenue"]) == pytest.approx(
        float(before["gc-ben"]["net_revenue"]) + 40.00 - 25.25)


def test_an_edited_order_loses_the_lines_it_no_longer_has(runs):
    lines = [(row["order_id"], row["sku"])
             for row in rows_of(runs, "incremental", "fct_order_lines")]
    assert ("gid://shopify/Order/5001", "POSTER-1") in lines
    assert ("gid://shopify/Order/5001", "MUG-1") not in lines
    assert ("gid://shopify/Order/5006", "MUG-1") in lines


def test_an_order_deleted_in_the_shop_keeps_its_lines(runs):
    def lines_of_5002(run: str) -> list[dict]:
        return [row for row in rows_of(runs, run, "fct_order_lines")
                if row["order_id"] == "gid://shopify/Order/5002"]
    before, after = lines_of_5002("first"), lines_of_5002("incremental")
    assert [row["order_line_id"] for row in after] == [row["order_line_id"] for row in before]
    # rebuilt with its order (stamped with the deletion), from the lines the table held
    assert after and all(str(row["loaded_at"]).startswith("2025-07-24 10:00") for row in after)


def test_erp_lines_follow_their_own_stream(runs):
    lines = {row["order_line_id"]: row for row in rows_of(runs, "incremental", "fct_order_lines")
             if row["source"] == "erp"}
    assert lines["5003"]["is_deleted"] is True
    assert not lines["5001"]["is_deleted"]
    assert lines["5009"]["order_key"] == "erp:504"
    assert lines["5009"]["golden_id"] == lines["5008"]["golden_id"]


def test_a_changed_consent_is_appended_to_the_ledger_and_followed(runs):
    anna = "gid://shopify/Customer/1001"
    first = [(row["channel"], row["action"], str(row["recorded_at"]))
             for row in rows_of(runs, "first", "consent_ledger") if row["source_record_id"] == anna]
    later = [(row["channel"], row["action"], str(row["recorded_at"]))
             for row in rows_of(runs, "incremental", "consent_ledger")
             if row["source_record_id"] == anna]
    # the earlier SMS state stays; the grant is appended; her reloaded, unchanged email
    # consent is the same event, not appended again
    assert sorted(later) == sorted([*first, ("sms", "granted", "2025-08-01 00:00:00.500000")])
    assert ("sms", "not_granted", "2024-11-23 12:00:45.123456") in later
    consent = {(row["golden_id"], row["channel"]): row
               for row in rows_of(runs, "incremental", "customer_consent")}
    sms = consent[("gc-anna", "sms")]
    assert (sms["consent_status"], sms["can_contact"], sms["opt_in_level"],
            str(sms["consent_updated_at"])) == (
        "subscribed", True, "SINGLE_OPT_IN", "2025-07-25 10:00:00")
    assert [row["can_sms"] for row in rows_of(runs, "incremental", "dim_customers")
            if row["golden_id"] == "gc-anna"] == [True]


def test_a_deletion_or_a_message_rebuilds_the_record_it_names(runs):
    before = {(row["source"], row["source_id"]): row for row in rows_of(runs, "first", RECORDS)}
    after = {(row["source"], row["source_id"]): row
             for row in rows_of(runs, "incremental", RECORDS)}
    later = LATER_LOAD.strip("'")
    for deleted in (("shop", "gid://shopify/Customer/1003"), ("erp", "21")):
        assert before[deleted]["is_active"] is True
        assert (after[deleted]["is_active"], after[deleted]["dlt_load_id"]) == (False, later)
    ben = after[("social", BEN_X)]
    assert ben["free_text"] == "Coffee lover in Munich | My email is ben.mueller@example.com"
    assert ben["dlt_load_id"] == later
    # Anna's shop record was loaded again (her SMS consent): the same row, a newer load
    anna = ("shop", "gid://shopify/Customer/1001")
    assert after[anna]["dlt_load_id"] == later
    assert {key: value for key, value in after[anna].items() if key != "dlt_load_id"} == \
        {key: value for key, value in before[anna].items() if key != "dlt_load_id"}



def test_a_blacklisted_address_reaches_the_customer_through_their_records(runs):
    def ben_email(run: str) -> tuple:
        [row] = [row for row in rows_of(runs, run, "customer_consent")
                 if (row["golden_id"], row["channel"]) == ("gc-ben", "email")]
        return row["consent_status"], row["consent_source"], str(row["consent_updated_at"])
    assert ben_email("first") == ("unsubscribed", "erp", "2025-04-01 08:00:00")
    assert ben_email("incremental") == ("unsubscribed", "erp", "2025-07-24 10:00:00")
