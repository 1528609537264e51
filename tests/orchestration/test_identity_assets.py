"""The identity assets read their settings from the identity resource (the CLI's YAML)."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from dagster import materialize

from orchestration.identity.assets import GOLDEN_PROFILES, MATCH_EDGES, resolve_identities
from orchestration.resources import IdentityResource, WarehouseResource

COLUMNS = ("source", "source_id", "first_name", "last_name", "full_name", "email", "phone",
           "street", "city", "postcode", "country_code", "free_text", "cross_ref", "is_active",
           "source_updated_at")


def sighting(source: str, source_id: str, first_name: str, updated: str) -> dict:
    row = dict.fromkeys(COLUMNS)
    row.update(source=source, source_id=source_id, first_name=first_name, last_name="Lee",
               email="ann@lee.com", is_active=True, source_updated_at=updated)
    return row


@pytest.fixture
def warehouse(tmp_path) -> WarehouseResource:
    """A warehouse whose unified records hold one person seen three times."""
    path = tmp_path / "cdp.duckdb"
    records = pd.DataFrame([  # noqa: F841 - read by DuckDB below
        sighting("erp", "1", "Ann", "2025-01-01T00:00:00Z"),
        sighting("shop", "s1", "Ann", "2025-02-01T00:00:00Z"),
        sighting("email", "m1", "Annie", "2025-06-01T00:00:00Z"),
    ], columns=list(COLUMNS))
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA intermediate")
        con.execute("CREATE TABLE intermediate.int_customer_records_unioned AS "
                    "SELECT * FROM records")
    return WarehouseResource(path=str(path))


def golden_first_name(warehouse: WarehouseResource) -> str:
    with warehouse.connect(read_only=True) as con:
        return con.execute("SELECT first_name FROM identity.golden_profiles").fetchall()[0][0]


def test_the_identity_resource_sets_survivorship_and_the_run_shows_its_stages(
        warehouse, tmp_path):
    result = materialize([resolve_identities],
                         resources={"warehouse": warehouse, "identity": IdentityResource()})
    assert result.success
    assert golden_first_name(warehouse) == "Annie"  # the default: the most recent value

    config = tmp_path / "identity.yml"
    config.write_text("survivorship:\n  first_name: most_frequent\n", encoding="utf-8")
    result = materialize([resolve_identities], resources={
        "warehouse": warehouse, "identity": IdentityResource(config_path=str(config))})
    assert result.success
    assert golden_first_name(warehouse) == "Ann"  # two of the three records say "Ann"
    metadata = {event.asset_key: event.step_materialization_data.materialization.metadata
                for event in result.get_asset_materialization_events()}
    stages = metadata[MATCH_EDGES]["seconds_by_stage"].value
    assert "| standardise |" in stages and "| total |" in stages
    assert metadata[GOLDEN_PROFILES]["dagster/row_count"].value == 1
    rules = metadata[GOLDEN_PROFILES]["survivorship"].value
    assert "| first_name | most_frequent |" in rules and "| email | most_recent |" in rules


def test_a_bad_identity_config_fails_the_run_saying_what_is_wrong(warehouse, tmp_path):
    config = tmp_path / "identity.yml"
    config.write_text("survivorship:\n  shoe_size: most_recent\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no survivorship for 'shoe_size'"):
        materialize([resolve_identities], resources={
            "warehouse": warehouse, "identity": IdentityResource(config_path=str(config))})


def run_mode(result) -> str:
    for event in result.get_asset_materialization_events():
        metadata = event.step_materialization_data.materialization.metadata
        if "run_mode" in metadata:
            return metadata["run_mode"].value
    raise AssertionError("no run_mode in the metadata")


def test_later_runs_resolve_only_what_changed_unless_a_full_run_is_asked_for(
        warehouse, tmp_path):
    config = tmp_path / "identity.yml"
    config.write_text("full_run_share: 1.0\n", encoding="utf-8")  # 1 new of 3 is a third
    resources = {"warehouse": warehouse,
                 "identity": IdentityResource(config_path=str(config))}
    assert run_mode(materialize([resolve_identities], resources=resources)) == "full"
    with duckdb.connect(warehouse.path) as con:
        con.execute("INSERT INTO intermediate.int_customer_records_unioned BY NAME "
                    "SELECT 'shop' AS source, 's2' AS source_id, 'Ann' AS first_name, "
                    "'Lee' AS last_name, 'ann@lee.com' AS email, true AS is_active, "
                    "'2025-07-01T00:00:00Z' AS source_updated_at")
    result = materialize([resolve_identities], resources=resources)
    assert run_mode(result) == "incremental"
    with warehouse.connect(read_only=True) as con:
        golden = con.execute("SELECT member_count FROM identity.golden_profiles").fetchall()
    assert golden == [(4,)]  # the new sighting joined the one customer
    full = materialize([resolve_identities], resources=resources, run_config={
        "ops": {"resolve_identities": {"config": {"full": True}}}})
    assert run_mode(full) == "full"
