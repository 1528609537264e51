"""A GX suite as a blocking check in real Dagster runs: a broken raw table fails it,
nothing downstream runs, the metadata names the expectation and the count without the
personal value, and the run publishes GX Data Docs without it either; a mart suite reads
only the rows written since it last passed."""

from __future__ import annotations

import duckdb
from dagster import AssetKey, DagsterInstance, Definitions, asset

from orchestration.quality.checks import suite_check
from orchestration.resources import WarehouseResource
from quality.suites.marts import dim_customers_suite
from quality.suites.raw import email_members_suite

MEMBERS = AssetKey(["raw_email", "members"])
SECRET = "not-an-address-7731"


def test_a_broken_raw_table_stops_what_reads_it_and_names_no_value(tmp_path, monkeypatch):
    monkeypatch.setenv("CDP_STATE_DIR", str(tmp_path / "state"))
    path = tmp_path / "cdp.duckdb"
    ran = []

    @asset(key=MEMBERS)
    def members(warehouse: WarehouseResource) -> None:
        with warehouse.connect() as con:
            con.execute("create schema if not exists raw_email")
            con.execute("create or replace table raw_email.members as select md5(i::varchar) "
                        "as id, case when i < 5 then ? else 'p' || i || '@example.com' end "
                        "as email_address, 'subscribed' as status from range(20) t(i)",
                        [SECRET])

    @asset(deps=[MEMBERS])
    def staged() -> None:
        ran.append("staged")

    check = suite_check(email_members_suite)
    defs = Definitions(assets=[members, staged], asset_checks=[check],
                       resources={"warehouse": WarehouseResource(path=str(path))})
    result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
        raise_on_error=False)
    [evaluation] = result.get_asset_check_evaluations()
    assert not evaluation.passed
    assert ran == []
    metadata = {key: value.value for key, value in evaluation.metadata.items()}
    assert "expect_column_values_to_match_regex" in metadata["results"]
    assert "| email_address | NO | 5 |" in metadata["results"]
    assert SECRET not in repr(metadata) and SECRET not in (evaluation.description or "")
    docs = tmp_path / "state" / "gx"
    assert (docs / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html").exists()
    leaked = [p for p in docs.rglob("*") if p.is_file() and SECRET in p.read_text(errors="ignore")]
    assert leaked == []
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("select count(*) from raw_email.members").fetchone()[0] == 20


DIM_CUSTOMERS = AssetKey(["marts", "dim_customers"])


def customer_rows(first: int, count: int, stamp: str, email: str | None = None) -> str:
    """`count` well-formed dim_customers rows from id `first`, stamped `stamp`."""
    return f"""
        select printf('cdp_%016x', i) as golden_id,
               coalesce({'?' if email else 'null'}, 'c' || i || '@example.com') as email,
               '+4930' || (1000000 + i) as phone, 'shop' as source_systems,
               1 as member_count, 0 as order_count, 0.0 as gross_revenue,
               0.0 as refunded_amount, 'subscribed' as email_consent_status,
               timestamp '{stamp}' as row_changed_at
        from range({first}, {first + count}) t(i)"""


def test_a_stamped_mart_suite_validates_the_rows_written_since_it_last_passed(
        tmp_path, monkeypatch):
    """Run after run on one instance: every row first, then the rows each build wrote;
    a bad row fails the check and is read again by every run until a build fixes it."""
    monkeypatch.setenv("CDP_STATE_DIR", str(tmp_path / "state"))
    path = tmp_path / "cdp.duckdb"
    builds = [
        ["create schema marts",
         f"create table marts.dim_customers as {customer_rows(0, 10, '2026-12-07 08:00:00')}"],
        ["delete from marts.dim_customers where golden_id in "
         "(select printf('cdp_%016x', i) from range(2) t(i))",
         f"insert into marts.dim_customers {customer_rows(0, 2, '2026-12-07 09:00:00')}"],
        [],
        [f"insert into marts.dim_customers {customer_rows(10, 1, '2026-12-07 10:00:00', SECRET)}"],
        [f"insert into marts.dim_customers {customer_rows(11, 1, '2026-12-07 11:00:00')}"],
        ["delete from marts.dim_customers where golden_id = printf('cdp_%016x', 10)",
         f"insert into marts.dim_customers {customer_rows(10, 1, '2026-12-07 12:00:00')}"],
    ]
    step = []

    @asset(key=DIM_CUSTOMERS)
    def dim_customers(warehouse: WarehouseResource) -> None:
        with warehouse.connect() as con:
            for statement in builds[len(step)]:
                con.execute(statement, [SECRET] if "?" in statement else [])
        step.append(1)

    defs = Definitions(assets=[dim_customers], asset_checks=[suite_check(dim_customers_suite)],
                       resources={"warehouse": WarehouseResource(path=str(path))})
    job = defs.resolve_implicit_global_asset_job_def()
    seen = []
    with DagsterInstance.ephemeral() as instance:
        for _ in builds:
            result = job.execute_in_process(instance=instance, raise_on_error=False)
            [evaluation] = result.get_asset_check_evaluations()
            metadata = {key: value.value for key, value in evaluation.metadata.items()}
            assert SECRET not in repr(metadata)
            seen.append((evaluation.passed, metadata["scope"], metadata["rows_validated"],
                         metadata.get("validated_through")))
    assert seen == [
        (True, "every row", 10, "2026-12-07T08:00:00"),
        (True, "rows written since", 2, "2026-12-07T09:00:00"),
        (True, "rows written since", 0, "2026-12-07T09:00:00"),
        (False, "rows written since", 1, "2026-12-07T10:00:00"),
        (False, "rows written since", 2, "2026-12-07T11:00:00"),
        (True, "rows written since", 2, "2026-12-07T12:00:00"),
    ]
