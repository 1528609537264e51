"""A sync killed mid-way and run again ends with the raw tables equal to the source."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import duckdb

from cdpkit.sandbox_env import running_simulators
from cdpkit.sync import SyncRequest, run_sync
from sandbox.world import generate_world


def test_a_killed_sync_resumes_without_loss_or_duplicates(tmp_path):
    world = tmp_path / "world"
    generate_world(world, people=400, seed=9)
    warehouse, state = tmp_path / "w.duckdb", tmp_path / "state"
    with running_simulators(world) as handles:
        shop = handles["shop"]
        served = {c["id"] for c in shop.snapshot("customers")}
        # Every page answers slowly, so the first sync is surely mid-pagination when killed.
        shop.faults.slow(0.4, n=10_000)
        env = {**os.environ, "CDP_STATE_DIR": str(state)}
        child = subprocess.Popen(
            [sys.executable, "-m", "cdpkit.cli", "sync", "shop", "--warehouse", str(warehouse)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while len(shop.request_log) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
        shop.faults.slow(0, n=0)

        list(run_sync(SyncRequest(warehouse=warehouse, state_dir=state, source="shop")))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        ids = [r[0] for r in con.execute("select id from raw_shop.customers").fetchall()]
    assert len(ids) == len(set(ids)), "no duplicates"
    assert set(ids) == served, "nothing lost"
