"""Pool limits from the instance template, and slots a killed in-process run left behind."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRunStatus
from dagster._core.storage.dagster_run import DagsterRun

from cdpkit.demo import INSTANCE_TEMPLATE, prepare_local_state
from cdpkit.runner import HOST_TAG, PID_TAG, release_slots_of_dead_runs
from orchestration.definitions import defs


@pytest.fixture
def instance(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CDP_STATE_DIR", str(tmp_path / "state"))
    prepare_local_state(tmp_path / "cdp.duckdb", fresh=True)
    with DagsterInstance.get() as inst:
        yield inst


def test_a_new_home_limits_every_pool_to_one_step(instance):
    home = Path(os.environ["DAGSTER_HOME"])
    assert (home / "dagster.yaml").read_text() == INSTANCE_TEMPLATE.read_text()
    assert instance.get_concurrency_config().pool_config.default_pool_limit == 1
    graph = defs.resolve_asset_graph()
    pools = {pool for key in graph.get_all_asset_keys() for pool in graph.get(key).pools or ()}
    assert {"source_shop", "source_erp", "source_email", "source_social", "warehouse"} <= pools


def _run_holding_a_slot(instance, pid: int) -> str:
    run = instance.add_run(DagsterRun(
        job_name="cdp_pipeline", status=DagsterRunStatus.STARTED,
        tags={PID_TAG: str(pid), HOST_TAG: socket.gethostname()},
    ))
    storage = instance.event_log_storage
    storage.initialize_concurrency_limit_to_default("source_shop")
    assert storage.claim_concurrency_slot("source_shop", run.run_id, "sync_shop").is_claimed
    return run.run_id


def test_slots_of_a_killed_run_are_released_and_the_run_failed(instance):
    dead = subprocess.Popen(["true"])
    dead.wait()
    killed = _run_holding_a_slot(instance, dead.pid)
    storage = instance.event_log_storage
    assert not storage.claim_concurrency_slot("source_shop", "next", "sync_shop").is_claimed
    storage.free_concurrency_slots_for_run("next")

    assert release_slots_of_dead_runs(instance) == [killed]
    assert instance.get_run_by_id(killed).status == DagsterRunStatus.FAILURE
    assert storage.claim_concurrency_slot("source_shop", "next", "sync_shop").is_claimed


def test_a_live_run_keeps_its_slot(instance):
    live = _run_holding_a_slot(instance, os.getpid())
    assert release_slots_of_dead_runs(instance) == []
    assert instance.get_run_by_id(live).status == DagsterRunStatus.STARTED
    claims = instance.event_log_storage.get_concurrency_info("source_shop").claimed_slots
    assert [c.run_id for c in claims] == [live]
