"""A sync killed mid-way and run again ends with the raw tables equal to the source."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from cdpkit.sandbox_env import running_simulators
from cdpkit.sync import SyncRequest, run_sync
from sandbox.world import generate_world

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "connectors"))
from sim_compare import assert_raw_matches  # noqa: E402 - shared with the connector tests


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    path = tmp_path_factory.mktemp("world")
    generate_world(path, people=150, seed=9)
    return path


@pytest.mark.parametrize("source", ["shop", "erp", "email", "social"])
def test_a_killed_sync_resumes_without_loss_or_duplicates(world, tmp_path, source):
    warehouse, state = tmp_path / "w.duckdb", tmp_path / "state"
    with running_simulators(world) as handles:
        sim = handles[source]
        # Every page answers slowly and holds 10 records (dlt reads source arguments
        # from SOURCES__*), so the first sync is surely mid-pagination when killed.
        sim.faults.slow(0.3, n=10_000)
        env = {**os.environ, "CDP_STATE_DIR": str(state), "SOURCES__PAGE_SIZE": "10",
               "SOURCES__FOLLOWERS_PAGE_SIZE": "10"}
        child = subprocess.Popen(
            [sys.executable, "-m", "cdpkit.cli", "sync", source, "--warehouse", str(warehouse)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while len(sim.request_log) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
        assert len(sim.request_log) < 10, "killed before the sync could finish"
        sim.faults.slow(0, n=0)

        list(run_sync(SyncRequest(warehouse=warehouse, state_dir=state, source=source)))
        with duckdb.connect(str(warehouse), read_only=True) as con:
            assert_raw_matches(lambda sql: con.execute(sql).fetchall(), sim.snapshot, source)
