"""`dbt build` on a hand-made raw warehouse (tests/dbt_project/dbt_raw_world.py), then
check the unified records and dim_customers against values worked out by hand."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from dbt_harness import failures, invoke_dbt
from dbt_raw_world import ANNA, CARLA, DAVE, build_raw_warehouse


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Path:
    work_dir = tmp_path_factory.mktemp("dbt_build")
    warehouse = work_dir / "cdp.duckdb"
    build_raw_warehouse(str(warehouse))
    result = invoke_dbt(["build"], work_dir=work_dir, warehouse=warehouse)
    assert result.success, failures(result)
    return work_dir


@pytest.fixture(scope="module")
def warehouse(build):
    # dbt-duckdb keeps its own handle on the file open in this process; a second
    # connection must use the same (default) configuration, so not read_only.
    with duckdb.connect(str(build / "cdp.duckdb")) as connection:
        yield connection


def rows_by_key(connection, sql: str) -> dict:
    cursor = connection.execute(sql)
    names = [column[0] for column in cursor.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


@pytest.fixture(scope="module")
def customers(warehouse) -> dict:
    return rows_by_key(warehouse, "select * from marts.dim_customers")


def test_unified_records_keep_people_and_drop_companies(warehouse):
    records = rows_by_key(
        warehouse,
        "select source || ':' || source_id, * from intermediate.int_customer_records_unioned",
    )
    assert set(records) == {
        "shop:gid://shopify/Customer/1001",
        "shop:gid://shopify/Customer/1002",
        "shop:gid://shopify/Customer/1003",
        "erp:10",
        "erp:11",
        "erp:21",  # a company's contact person stays
        f"email:{ANNA}",
        f"email:{CARLA}",
        f"email:{DAVE}",
        "social:2000000000000000002",
        "social:2000000000000000003",
    }  # no erp:20 (the company), no social brand account
    assert records["erp:11"]["is_active"] is False  # archived Odoo partner
    assert records[f"email:{DAVE}"]["is_active"] is False  # cleaned Mailchimp member
    assert records["erp:10"]["is_active"] is True
    assert records["erp:10"]["cross_ref"] == "SHOP-1001"
    assert records["erp:11"]["phone"] == "+49 170 1111111"  # mobile when no phone
    assert records["shop:gid://shopify/Customer/1002"]["first_name"] == "Ben"  # trimmed
    assert records["shop:gid://shopify/Customer/1002"]["phone"] == "+49 89 555000"
    assert records["social:2000000000000000002"]["full_name"] == "Ben M."
    assert records["social:2000000000000000002"]["free_text"] == "Coffee lover in Munich"
    assert records[f"email:{CARLA}"]["country_code"] == "IT"  # location when no address
    assert str(records["erp:10"]["source_updated_at"]) == "2025-02-01 10:00:00"
    # when the source created the record (Odoo's create_date), which identity dates
    # first_seen_at by: an edit moves source_updated_at only
    assert str(records["erp:10"]["source_created_at"]) == "2024-02-01 10:00:00"


def test_unified_records_have_exactly_the_contract_columns(warehouse):
    columns = [
        row[0]
        for row in warehouse.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'intermediate' and table_name = 'int_customer_records_unioned' "
            "order by ordinal_position"
        ).fetchall()
    ]
    assert columns == [
        "source",
        "source_id",
        "first_name",
        "last_name",
        "full_name",
        "email",
        "phone",
        "street",
        "city",
        "postcode",
        "country_code",
        "free_text",
        "cross_ref",
        "is_active",
        "source_updated_at",
        "source_created_at",
        "dlt_load_id",
    ]


def test_revenue_counts_valid_orders_and_subtracts_refunds(customers):
    anna = customers["gc-anna"]
    # shop #1001 (100.00, refund 20.00) + ERP S00500 (200.50); cancelled shop order,
    # cancelled and draft ERP orders, and #1005 (deleted in Shopify since) left out.
    assert anna["order_count"] == 2
    assert anna["gross_revenue"] == Decimal("300.50")
    assert anna["refunded_amount"] == Decimal("20.00")
    assert anna["net_revenue"] == Decimal("280.50")
    assert str(anna["first_order_at"]) == "2025-01-15 10:00:00"
    assert str(anna["last_order_at"]) == "2025-02-10 10:00:00"

    carla = customers["gc-carla"]
    # her own ERP order (done, 40.00); her company's order is not hers
    assert (carla["order_count"], carla["gross_revenue"]) == (1, Decimal("40.00"))

    eve = customers["gc-eve"]
    assert (eve["order_count"], eve["gross_revenue"], eve["net_revenue"]) == (
        0,
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert eve["first_order_at"] is None


def test_membership_counts_and_source_systems(customers):
    anna, ben = customers["gc-anna"], customers["gc-ben"]
    assert anna["source_systems"] == "email,erp,shop"
    assert ben["source_systems"] == "erp,shop,social"
    assert (
        ben["member_count"],
        ben["shop_customer_count"],
        ben["erp_partner_count"],
        ben["email_member_count"],
        ben["social_profile_count"],
    ) == (3, 1, 1, 0, 1)
    assert anna["email_source"] == "shop"
    assert len(customers) == 5


def test_the_consent_ledger_holds_every_event_the_sources_show(warehouse):
    events = warehouse.execute(
        "select source, source_record_id, channel, action, method, source_status "
        "from marts.consent_ledger").fetchall()
    assert sorted(events) == sorted([
        ("email", ANNA, "email", "withdrawn", "mailchimp_member_status", "unsubscribed"),
        ("email", CARLA, "email", "granted", "mailchimp_member_status", "subscribed"),
        ("email", DAVE, "email", "undeliverable", "mailchimp_member_status", "cleaned"),
        # the active blacklist entry; the lifted one (2) is no event
        ("erp", "1", "email", "withdrawn", "odoo_mail_blacklist", "active"),
        ("shop", "gid://shopify/Customer/1001", "email", "granted",
         "shopify_email_marketing_consent", "SUBSCRIBED"),
        ("shop", "gid://shopify/Customer/1001", "sms", "not_granted",
         "shopify_sms_marketing_consent", "NOT_SUBSCRIBED"),
        ("shop", "gid://shopify/Customer/1002", "email", "granted",
         "shopify_email_marketing_consent", "SUBSCRIBED"),
        ("shop", "gid://shopify/Customer/1003", "email", "withdrawn",
         "shopify_email_marketing_consent", "UNSUBSCRIBED"),
    ])  # Ben's and Carla's Shopify SMS consent has no state: no event
    blacklist = warehouse.execute(
        "select applies_to, email_normalized from marts.consent_ledger "
        "where source = 'erp'").fetchall()
    assert blacklist == [("email_address", "ben.mueller@example.com")]


@pytest.mark.parametrize(
    ("golden_id", "status", "source", "at"),
    [
        # Mailchimp unsubscribe (Feb) is newer than the Shopify subscribe (Jan)
        ("gc-anna", "unsubscribed", "email", "2025-02-01 08:00:00"),
        # active Odoo blacklist entry (April, other case and spaces) beats Shopify (March)
        ("gc-ben", "unsubscribed", "erp", "2025-04-01 08:00:00"),
        # the Shopify unsubscribe (Dec 2024) beats the Mailchimp subscription, which
        # dates from the opt-in (June 2024): the member's later last_changed (Jan 2025)
        # is no consent; the lifted blacklist entry does not count
        ("gc-carla", "unsubscribed", "shop", "2024-12-01 10:00:00"),
        ("gc-dave", "cleaned", "email", "2025-03-03 08:00:00"),
        ("gc-eve", "unknown", None, None),
    ],
)
def test_email_consent_takes_the_latest_signal(customers, golden_id, status, source, at):
    customer = customers[golden_id]
    assert customer["email_consent_status"] == status
    assert customer["email_consent_source"] == source
    updated_at = customer["email_consent_updated_at"]
    assert (str(updated_at) if updated_at else None) == at


@pytest.mark.parametrize("schema", ["marts", "bi"])
def test_every_built_mart_column_is_documented(build, warehouse, schema):
    manifest = json.loads((build / "target" / "manifest.json").read_text())
    models = models_of(manifest, schema)
    built: dict[str, list[str]] = {}
    for table, column in warehouse.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = ?", [schema]).fetchall():
        built.setdefault(table, []).append(column)
    assert set(built) == set(models)
    # the contracted ones document every column; a pass-through bi view is documented
    # where its mart is
    documented = 0
    for table, columns in built.items():
        node = models[table]
        if node["config"]["contract"]["enforced"]:
            assert set(columns) == set(node["columns"]), table
            assert all(node["columns"][name]["description"].strip() for name in columns)
            documented += 1
        else:
            mart = models_of(manifest, "marts")[table]
            assert set(columns) == set(mart["columns"]), table
    assert documented >= (6 if schema == "marts" else 1)


def test_declared_not_null_constraints_are_enforced_by_the_warehouse(build, warehouse):
    # a mart column with a `not_null` constraint carries no `not_null` test: the table
    # refuses the NULL, so no build can write one (a test there could never fail)
    manifest = json.loads((build / "target" / "manifest.json").read_text())
    declared = {
        (node["schema"], node["alias"], column["name"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["contract"]["enforced"]
        and node["config"]["materialized"] in ("table", "incremental")
        for column in node["columns"].values()
        if any(c["type"] == "not_null" for c in column.get("constraints", []))
    }
    enforced = set(warehouse.execute(
        "select schema_name, table_name, unnest(constraint_column_names) "
        "from duckdb_constraints() where constraint_type = 'NOT NULL'").fetchall())
    assert len(declared) >= 10 and declared <= enforced, declared - enforced
    tested_not_null = {
        (manifest["nodes"][test["attached_node"]]["schema"],
         manifest["nodes"][test["attached_node"]]["alias"], test["column_name"])
        for test in manifest["nodes"].values()
        if test["resource_type"] == "test"
        and (test.get("test_metadata") or {}).get("name") == "not_null"
    }
    assert not declared & tested_not_null
    assert_refused(warehouse, "insert into marts.fct_orders (order_key) values (null)")


def assert_refused(warehouse, statement: str) -> None:
    """`statement` breaks a constraint of the warehouse; nothing it did stays."""
    warehouse.execute("begin")
    try:
        with pytest.raises(duckdb.ConstraintException):
            warehouse.execute(statement)
    finally:
        warehouse.execute("rollback")


def models_of(manifest: dict, schema: str) -> dict:
    return {node["alias"]: node for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["schema"] == schema}


def test_bi_schema_shows_no_direct_identifier(warehouse):
    columns = {row[0] for row in warehouse.execute(
        "select column_name from information_schema.columns where table_schema = 'bi'"
    ).fetchall()}
    for identifying in ("email", "phone", "street", "first_name", "last_name",
                        "email_source", "phone_source", "street_source"):
        assert identifying not in columns
    anna = warehouse.execute(
        "select email_sha256, has_email, has_phone, city, net_revenue "
        "from bi.dim_customers where golden_id = 'gc-anna'").fetchone()
    marts = warehouse.execute(
        "select net_revenue from marts.dim_customers where golden_id = 'gc-anna'").fetchone()
    assert anna[0] == hashlib.sha256(b"anna.schmidt@example.com").hexdigest()
    assert anna[1:4] == (True, True, "Berlin") and anna[4] == marts[0]
    for table in ("fct_orders", "fct_order_lines", "fct_touchpoints", "customer_metrics",
                  "customer_consent"):
        assert (warehouse.execute(f"select count(*) from bi.{table}").fetchone()
                == warehouse.execute(f"select count(*) from marts.{table}").fetchone())


def test_missing_optional_raw_columns_and_tables_read_as_null_and_empty(warehouse):
    # the fixture drops raw_social.users.url and the whole raw_social.dm_events table
    assert warehouse.execute("select count(*) from staging.stg_social__dm_events").fetchall() == [
        (0,)
    ]
    urls = warehouse.execute("select distinct profile_url from staging.stg_social__users")
    assert urls.fetchall() == [(None,)]


def test_customer_consent_has_every_customer_on_every_channel(warehouse, customers):
    rows = warehouse.execute(
        "select golden_id, channel, consent_status, can_contact, consent_source "
        "from marts.customer_consent").fetchall()
    assert {(row[0], row[1]) for row in rows} == {
        (golden_id, channel) for golden_id in customers for channel in ("email", "sms")}
    email = {row[0]: row for row in rows if row[1] == "email"}
    for golden_id, customer in customers.items():
        # the email consent in dim_customers is the same decision
        assert email[golden_id][2] == customer["email_consent_status"]
        assert email[golden_id][3] == (customer["email_consent_status"] == "subscribed")
    sms = {row[0]: row for row in rows if row[1] == "sms"}
    assert sms["gc-anna"][2:] == ("not_subscribed", False, "shop")
    assert sms["gc-eve"][2:] == ("unknown", False, None)


def test_dbt_docs_generate_catalogs_every_mart(build, warehouse):
    result = invoke_dbt(["docs", "generate"], work_dir=build, warehouse=build / "cdp.duckdb")
    assert result.success, failures(result)
    catalog = json.loads((build / "target" / "catalog.json").read_text())
    marts = {node["metadata"]["name"]: node for node in catalog["nodes"].values()
             if node["metadata"]["schema"] == "marts"}
    assert {"dim_customers", "fct_orders", "fct_touchpoints", "customer_metrics",
            "customer_consent"} <= set(marts)
    assert all(node["columns"] for node in marts.values())
    assert (build / "target" / "index.html").exists()


def test_order_lines_add_up_to_their_order_and_carry_its_customer(warehouse):
    lines = warehouse.execute("""
        select l.order_key, l.golden_id, l.quantity, l.unit_price, l.line_amount,
               l.line_amount_reporting, o.gross_amount, o.golden_id, l.sku
        from marts.fct_order_lines l join marts.fct_orders o using (order_key)
        order by l.order_key, l.line_position""").fetchall()
    assert sorted({row[0] for row in lines}) == [
        "erp:500", "erp:502", "erp:503", "erp:504",
        *(f"shop:gid://shopify/Order/{n}" for n in (5001, 5002, 5003))]
    first = [row for row in lines if row[0] == "shop:gid://shopify/Order/5001"][0]
    assert first[1] == "gc-anna" == first[7]
    assert (first[2], first[3], first[4], first[5]) == (2, Decimal("50.00"), Decimal("100.00"),
                                                        Decimal("100.00"))
    totals: dict[str, Decimal] = {}
    for row in lines:
        totals[row[0]] = totals.get(row[0], Decimal(0)) + row[4]
    # every order's lines bill its total (Odoo's price_total is taxes included)
    assert all(totals[row[0]] == row[6] for row in lines)
    # Odoo's section and note lines are not products; a fractional quantity stays one
    consulting = [row for row in lines if row[0] == "erp:503"]
    assert [(row[2], row[8]) for row in consulting] == [(Decimal("0.500"), None)]
    assert [row[8] for row in lines if row[0] == "erp:500"] == ["TSH-001", "HOD-002", "BTL-007"]


def test_dim_customers_carries_segment_risk_and_contactability(warehouse, customers):
    metrics = rows_by_key(warehouse, "select * from marts.customer_metrics")
    for golden_id, customer in customers.items():
        for column in ("rfm_segment", "churn_risk", "predicted_12m_value",
                       "engagement_score", "preferred_channel"):
            assert customer[column] == metrics[golden_id][column], (golden_id, column)
        assert customer["can_email"] == (customer["email_consent_status"] == "subscribed")
        assert customer["can_sms"] is False  # nobody in the fixture opted in to SMS
    # her Shopify unsubscribe is newer than her Mailchimp opt-in
    assert customers["gc-carla"]["can_email"] is False


def _nullable(warehouse, table: str, column: str) -> bool:
    return warehouse.execute(
        "select is_nullable from information_schema.columns "
        "where table_schema = 'marts' and table_name = ? and column_name = ?",
        [table, column]).fetchall() == [("YES",)]


def test_a_table_built_before_its_not_null_constraints_gets_them(build, warehouse):
    """A mart table from before a column's `not_null` constraint was declared (an
    incremental build only writes rows; a column appended later comes unconstrained)
    gets the constraint at its next build, so it refuses the NULL its contract rules
    out, though the column carries no `not_null` test."""
    dropped = [("fct_orders", "source"), ("customer_metrics", "row_changed_at")]
    for table, column in dropped:
        warehouse.execute(f"alter table marts.{table} alter column {column} drop not null")
        assert _nullable(warehouse, table, column)

    result = invoke_dbt(["run", "--select", "fct_orders", "customer_metrics"],
                        work_dir=build, warehouse=build / "cdp.duckdb")
    assert result.success, failures(result)

    for table, column in dropped:
        assert not _nullable(warehouse, table, column), (table, column)
    assert_refused(warehouse, "update marts.fct_orders set source = null")


def test_unified_records_from_before_source_created_at_are_rebuilt_with_it(build, warehouse):
    """A table of unified records from before `source_created_at` is rebuilt whole at its
    next build, so every record gets its creation time, not only those loaded since
    (an appended column is NULL on the rows a build does not write)."""
    table = "intermediate.int_customer_records_unioned"
    warehouse.execute(f"alter table {table} drop column source_created_at")
    result = invoke_dbt(["run", "--select", "int_customer_records_unioned"],
                        work_dir=build, warehouse=build / "cdp.duckdb")
    assert result.success, failures(result)
    missing = warehouse.execute(
        f"select count(*) from {table} where source_created_at is null "
        "and source in ('shop', 'erp', 'social')").fetchone()[0]
    total = warehouse.execute(f"select count(*) from {table}").fetchone()[0]
    assert total > 0 and missing == 0


def _utc_midnight() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)


def test_a_second_build_the_same_day_rewrites_no_customer_row(build, warehouse):
    """Last in this module: it builds the customer marts again. With no clock set the
    metrics hold as of midnight UTC of the build's day, so a build later that day with
    nothing new rewrites no metrics row, nor the dim_customers rows that carry them
    (with the build's own instant every row of both was rewritten on every build)."""
    day = _utc_midnight()
    stamped = "select golden_id, row_changed_at from marts.{} order by golden_id"
    before = {mart: warehouse.execute(stamped.format(mart)).fetchall()
              for mart in ("customer_metrics", "dim_customers")}
    assert warehouse.execute(
        "select distinct as_of_at from marts.customer_metrics").fetchall() == [(day,)]

    result = invoke_dbt(["build", "--select", "customer_metrics", "dim_customers",
                         "--exclude-resource-type", "unit_test"],
                        work_dir=build, warehouse=build / "cdp.duckdb")
    assert result.success, failures(result)
    if _utc_midnight() != day:
        pytest.skip("the day changed between the two builds")

    after = {mart: warehouse.execute(stamped.format(mart)).fetchall()
             for mart in ("customer_metrics", "dim_customers")}
    assert after == before
