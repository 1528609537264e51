"""Connector throughput: a full sync per source, then an incremental one after 1% changes.

Runs `cdpkit sync`'s code path (dlt, no Dagster) against the simulators on
loopback. The simulators share this process, so figures are end-to-end
throughput of client plus server, not the connector's CPU alone.
"""

from __future__ import annotations

import time
from pathlib import Path

from cdpkit.sandbox_env import running_simulators
from cdpkit.sync import SyncRequest, run_sync
from sandbox.simulators import mutate_world
from sandbox.world import generate_world


def bench_connectors(people: int, root: Path) -> dict:
    world = root / f"connectors-world-{people}"
    generate_world(world, people=people, seed=3)
    request = SyncRequest(warehouse=root / f"connectors-{people}.duckdb",
                          state_dir=root / f"connectors-state-{people}")
    result: dict = {"bench": "connectors", "people": people, "sources": {}}
    with running_simulators(world) as handles:
        full = _timed(request)
        changed = max(1, people // 100)
        mutate_world(handles, new=changed // 2, updated=changed, seed=4)
        incremental = _timed(request)
    for source, (seconds, rows) in full.items():
        inc_seconds, inc_rows = incremental[source]
        result["sources"][source] = {
            "full_seconds": round(seconds, 2),
            "full_rows": rows,
            "rows_per_second": round(rows / seconds) if seconds else None,
            "incremental_seconds": round(inc_seconds, 2),
            "incremental_rows": inc_rows,
            "incremental_share_of_full": round(inc_seconds / seconds, 3) if seconds else None,
        }
    return result


def _timed(request: SyncRequest) -> dict[str, tuple[float, int]]:
    out = {}
    for outcome in run_sync(request):
        out[outcome.source] = (outcome.seconds, sum(outcome.rows.values()))
    return out


if __name__ == "__main__":  # a quick look: python -m benchmarks.connectors
    import json
    import tempfile

    started = time.perf_counter()
    print(json.dumps(bench_connectors(2000, Path(tempfile.mkdtemp())), indent=2))
    print(f"{time.perf_counter() - started:.1f}s")
