"""The simulators in their own process, so their CPU is not the client's.

Started as `python -m sandbox.simulators` with the demo's options
(`cdpkit.sandbox_env.SIMULATOR_OPTIONS`); the sources find it through the
same environment variables the demo sets.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import requests

from cdpkit.sandbox_env import SIMULATOR_OPTIONS, simulator_environment

# X allows 15 follower pages (15,000 followers), 450 mention pages and 300 DM pages
# per 15 minutes: a large account's first sync is those windows, not the connector.
# The bench lifts them to measure the connector; the windows' cost is plain
# arithmetic (README, Benchmarks).
BENCH_OPTIONS = {**SIMULATOR_OPTIONS, "social": {"rate_limits": {
    "followers": 100_000, "mentions": 100_000, "dm_events": 100_000}}}


class SimulatorProcess:
    """A running `python -m sandbox.simulators` serving one world."""

    def __init__(self, world: Path, state_prefix: Path) -> None:
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sandbox.simulators", "--world", str(world),
             "--state-file", str(state_prefix), "--options", json.dumps(BENCH_OPTIONS)],
            stdout=subprocess.PIPE, text=True,
        )
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            self.proc.wait()
            raise RuntimeError(f"simulators exited with {self.proc.returncode} before serving")
        self.base_urls: dict[str, str] = json.loads(line)
        #: loading the world into the simulators' stores, until they serve
        self.startup_seconds = time.perf_counter() - started

    @property
    def pid(self) -> int:
        return self.proc.pid

    def mutate_world(self, **spec: int) -> dict:
        """One change set across every system, applied by the process that serves."""
        parts = urlsplit(next(iter(self.base_urls.values())))
        resp = requests.post(f"{parts.scheme}://{parts.netloc}/_sim/mutate_world", json=spec,
                             timeout=3600)
        resp.raise_for_status()
        return resp.json()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=60)


@contextmanager
def simulator_process(world: Path, state_prefix: Path) -> Iterator[SimulatorProcess]:
    """Serve `world` from another process for the block, with the sources' env set."""
    sim = SimulatorProcess(world, state_prefix)
    try:
        with simulator_environment(sim.base_urls):
            yield sim
    finally:
        sim.stop()
