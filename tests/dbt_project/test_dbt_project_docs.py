"""`dbt parse` alone: the project's documentation, contracts, tags and source metadata."""

from __future__ import annotations

import json

import pytest
from dbt_harness import failures, invoke_dbt

RAW_SOURCES = {"raw_shop", "raw_erp", "raw_email", "raw_social", "raw_files"}
# identity's own state, which no Dagster asset stands for: declared for the personal
# data it holds
IDENTITY_STATE = {"records"}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    work_dir = tmp_path_factory.mktemp("dbt_parse")
    result = invoke_dbt(["parse"], work_dir=work_dir, warehouse=work_dir / "unused.duckdb")
    assert result.success, failures(result)
    return json.loads((work_dir / "target" / "manifest.json").read_text())


def models(manifest: dict) -> list[dict]:
    return [node for node in manifest["nodes"].values() if node["resource_type"] == "model"]


def test_every_model_is_documented(manifest):
    undocumented = [node["name"] for node in models(manifest) if not node["description"].strip()]
    assert undocumented == []


def test_every_mart_column_is_documented_and_contracted(manifest):
    marts = [node for node in models(manifest) if node["fqn"][1] == "marts"]
    assert {node["name"] for node in marts} >= {"dim_customers"}
    for mart in marts:
        assert mart["config"]["contract"]["enforced"], mart["name"]
        # the large facts build incrementally, the rest are rebuilt tables
        assert mart["config"]["materialized"] in {"table", "incremental"}
        if mart["config"]["materialized"] == "incremental":
            if mart["config"]["incremental_strategy"] == "append":
                # an append-only ledger: never rebuilt, so never loses its history
                assert mart["config"]["full_refresh"] is False, mart["name"]
            else:
                assert mart["config"]["unique_key"], mart["name"]
        assert mart["schema"] == "marts"
        assert not mart["sources"], f"{mart['name']} reads source() directly"
        for name, column in mart["columns"].items():
            assert column["description"].strip(), f"{mart['name']}.{name}"
            assert column["data_type"], f"{mart['name']}.{name}"


def test_schemas_are_the_layer_names(manifest):
    schemas = {node["fqn"][1]: node["schema"] for node in models(manifest)}
    assert schemas == {"staging": "staging", "intermediate": "intermediate", "marts": "marts",
                       "bi": "bi"}


def test_pre_identity_tag_covers_raw_staging_and_the_unioned_records(manifest):
    tagged = {node["name"] for node in models(manifest) if "pre_identity" in node["tags"]}
    expected = {
        node["name"]
        for node in models(manifest)
        if node["fqn"][1] == "staging" and node["fqn"][2] in {"shop", "erp", "email", "social"}
    } | {"int_customer_records_unioned"}
    assert len(expected) == 18
    assert tagged == expected


def test_sources_carry_dagster_asset_keys(manifest):
    sources = manifest["sources"].values()
    assert {source["source_name"] for source in sources} == RAW_SOURCES | {"identity"}
    for source in sources:
        key = source["meta"].get("dagster", {}).get("asset_key")
        if source["source_name"] == "identity" and source["name"] in IDENTITY_STATE:
            assert key is None
            continue
        assert key == [source["source_name"], source["name"]]


def test_consent_precedence_has_unit_tests(manifest):
    tested = {test["model"] for test in manifest["unit_tests"].values()}
    assert {"customer_consent", "int_consent_events_unioned"} <= tested
