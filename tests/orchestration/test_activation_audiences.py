"""The audiences asset writes the configured files, and its blocking check reads them back."""

from __future__ import annotations

import csv

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, materialize

from orchestration.activation.assets import audiences, configured_audiences
from orchestration.resources import WarehouseResource


def test_audiences_are_segment_channel_pairs():
    assert configured_audiences("champions:email, at_risk:sms,") == [
        ("champions", "email"), ("at_risk", "sms")]
    with pytest.raises(ValueError, match="segment:channel"):
        configured_audiences("champions")


@pytest.fixture
def warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("CDP_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CDP_AUDIENCE_DIR", str(tmp_path / "audiences"))
    monkeypatch.setenv("CDP_AUDIENCES", "champions:email,nobody_here:email")
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("""
            create schema marts;
            create table marts.dim_customers (golden_id varchar, email varchar, phone varchar,
                first_name varchar, last_name varchar, rfm_segment varchar, can_email boolean,
                can_sms boolean);
            insert into marts.dim_customers values
                ('cdp_a', 'ann@example.com', null, 'Ann', 'A', 'champions', true, false),
                ('cdp_b', 'bob@example.com', null, 'Bob', 'B', 'champions', false, false);
            create table marts.customer_consent (golden_id varchar, channel varchar,
                purpose varchar, consent_status varchar, can_contact boolean);
            insert into marts.customer_consent values
                ('cdp_a', 'email', 'marketing', 'subscribed', true),
                ('cdp_b', 'email', 'marketing', 'unsubscribed', false);
        """)
    return path


def test_the_asset_exports_and_its_check_passes(warehouse, tmp_path):
    from orchestration.quality.checks import quality_checks

    check = next(c for c in quality_checks
                 if any(k.name == "gx_audience_consent_suite" for k in c.check_keys))
    result = materialize([audiences, check], instance=DagsterInstance.ephemeral(),
                         resources={"warehouse": WarehouseResource(path=str(warehouse))})
    assert result.success
    (materialisation,) = result.asset_materializations_for_node("activation__audiences")
    assert materialisation.metadata["customers_exported"].value == 1
    assert "segment is empty today" in materialisation.metadata["audiences_table"].value
    assert "| champions | 2 | 1 | 0 |" in materialisation.metadata["segment_sizes"].value
    with (tmp_path / "audiences" / "champions-email.csv").open(encoding="utf-8") as handle:
        assert [r["golden_id"] for r in csv.DictReader(handle)] == ["cdp_a"]
    (evaluation,) = result.get_asset_check_evaluations()
    assert evaluation.asset_key == AssetKey(["activation", "audiences"])
    assert evaluation.passed
