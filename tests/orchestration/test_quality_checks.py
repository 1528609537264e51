"""A GX suite as a blocking check in a real Dagster run: a broken raw table fails it,
nothing downstream runs, the metadata names the expectation and the count without the
personal value, and the run publishes GX Data Docs without it either."""

from __future__ import annotations

import duckdb
from dagster import AssetKey, Definitions, asset

from orchestration.quality.checks import suite_check
from orchestration.resources import WarehouseResource
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
