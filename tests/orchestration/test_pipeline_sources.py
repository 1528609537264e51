"""One source connected, the others not yet: `CDP_SOURCES=shop` and the shop's two variables
are all the hourly pipeline needs.

The README's newcomer path points one connector at a real service and schedules it.
Here the shop simulator stands in for the real shop: only its variables are set,
`cdp_pipeline` (the job the schedules run) is built from that environment and run
for real, and it syncs the shop, resolves identities and builds the marts without
asking for the ERP's, Mailchimp's or X's credentials; `cdpkit status` does not count
their never-loaded tables as stale.
"""

from __future__ import annotations

import os

import duckdb
import pytest
from dagster import DagsterInstance

from cdpkit.demo import prepare_local_state
from cdpkit.runner import run_pipeline
from cdpkit.sandbox_env import running_simulators, simulator_env
from connectors.settings import variable
from orchestration.settings import pipeline_sources
from sandbox.world import generate_world

pytestmark = pytest.mark.e2e

SHOP_VARIABLES = {"SHOPIFY_ACCESS_TOKEN", variable("shop", "base_url")}


def test_unknown_sources_are_named_with_the_choices(monkeypatch):
    monkeypatch.setenv("CDP_SOURCES", "shop, shopify")
    with pytest.raises(ValueError, match="unknown source 'shopify'; name some of shop, erp"):
        pipeline_sources()
    monkeypatch.setenv("CDP_SOURCES", " Shop,email ")
    assert pipeline_sources() == ("shop", "email")
    monkeypatch.delenv("CDP_SOURCES")
    assert pipeline_sources() == ("shop", "erp", "email", "social")


def test_the_job_and_its_schedules_leave_the_other_sources_out(monkeypatch):
    from orchestration.definitions import build_defs

    monkeypatch.setenv("CDP_SOURCES", "shop")
    defs = build_defs()
    job = defs.resolve_job_def("cdp_pipeline")
    prefixes = {key.path[0] for key in job.asset_layer.selected_asset_keys}
    assert {"raw_shop", "identity", "marts"} <= prefixes
    assert not prefixes & {"raw_erp", "raw_email", "raw_social"}
    assert {"shop_api"} == {key for key in job.required_resource_keys if key.endswith("_api")}
    for name in ("cdp_pipeline_hourly", "reconcile_deletions_daily"):
        assert defs.resolve_schedule_def(name).job_name == "cdp_pipeline"


def test_the_pipeline_runs_with_only_the_shop_configured(tmp_path, monkeypatch):
    from orchestration.definitions import build_defs
    from orchestration.status import read_status

    world = tmp_path / "world"
    generate_world(world, people=30, seed=5)
    for name, folder in {"CDP_STATE_DIR": "state", "DAGSTER_HOME": "dagster_home"}.items():
        monkeypatch.setenv(name, str(tmp_path / folder))
    warehouse = prepare_local_state(tmp_path / "cdp.duckdb", fresh=True)
    with running_simulators(world) as handles:
        # the other sources' variables unset, as on a machine that never had them
        # (running_simulators puts back what was there before it, at its end)
        urls = {source: handle.base_url for source, handle in handles.items()}
        for name in set(simulator_env(urls)) - SHOP_VARIABLES:
            os.environ.pop(name, None)
        monkeypatch.setenv("CDP_SOURCES", "shop")
        instance = DagsterInstance.get()
        run_id, success = run_pipeline(build_defs(), instance)
    assert success, "\n".join(
        str(event.message) for event in instance.all_logs(run_id) if "FAILURE" in str(event))
    steps = {stat.step_key for stat in instance.get_run_step_stats(run_id)}
    assert "sync_shop" in steps and not steps & {"sync_erp", "sync_email", "sync_social"}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        schemas = {row[0] for row in con.execute(
            "select distinct table_schema from information_schema.tables").fetchall()}
        customers = con.execute("select count(*) from raw_shop.customers").fetchone()[0]
        golden = con.execute("select count(*) from marts.dim_customers").fetchone()[0]
    assert not schemas & {"raw_erp", "raw_email", "raw_social"}
    assert customers > 0 and 0 < golden <= customers
    instance.dispose()
    status = read_status(build_defs(), tmp_path / "dagster_home")
    stale = [entry.asset_key for entry in status.stale]
    assert not [name for name in stale if not name.startswith("raw_shop/")], stale
