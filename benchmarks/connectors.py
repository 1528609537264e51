"""Connector throughput and CPU, per stream, against simulators in their own process.

Steps, on one generated world (`files` has no simulator and is not benched):

1. full: each stream synced on its own from scratch (`cdpkit sync SOURCE STREAM`),
   for records per second per stream; a source's total is the sum of its streams.
2. the id listings a first `cdpkit sync` also runs (deletions, X followers), once,
   so that step 4 finds them done, as it would a day into production.
3. 1% of the world changes (0.5% new people, 1% updated, 0.1% deleted), applied
   by the simulator process through `/_sim/mutate_world`.
4. incremental: each source again, as `cdpkit sync SOURCE` runs on a schedule
   (one dlt run for all its streams, no id listing).
5. reconciliation: each reconciling source once more with `reconcile=True`, which
   lists every id (daily by default); its cost is reported beside the incremental's.

Every step records wall time and CPU on both sides: the client (this process
and its children) and the simulator process, so CPU per record can be compared.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.cpu import Meter
from benchmarks.simprocess import simulator_process
from cdpkit.sync import RECONCILING_SOURCES, SyncRequest, run_sync
from connectors.pipeline import make_pipeline
from connectors.settings import source_from_env
from sandbox.world import generate_world

BENCHED = ("shop", "erp", "email", "social")


def bench_connectors(people: int, root: Path, world: Path | None = None) -> dict:
    """The bench on a world of `people`; `world` reuses one generated before with
    `python -m sandbox.world --people N --seed 3 --out DIR` (a million people take minutes)."""
    started = time.perf_counter()
    if world is None:
        world = root / f"connectors-world-{people}"
        generate_world(world, people=people, seed=3)
    else:
        manifest = json.loads((world / "manifest.json").read_text())
        if (manifest["people"], manifest["seed"]) != (people, 3):
            raise ValueError(f"{world} is not the bench's {people:,}-person world (seed 3)")
    result: dict[str, Any] = {"bench": "connectors", "people": people,
                              "world_seconds": round(time.perf_counter() - started, 1)}
    request = SyncRequest(warehouse=root / f"connectors-{people}.duckdb",
                          state_dir=root / f"connectors-state-{people}")
    with simulator_process(world, root / f"connectors-sim-{people}") as sim:
        result["simulator_startup_seconds"] = round(sim.startup_seconds, 1)
        streams = {s: [r for r in source_from_env(s).resources if r != "deletions"]
                   for s in BENCHED}

        def each_stream(**kw: Any) -> dict[str, dict[str, dict]]:
            return {s: {st: _run(sim.pid, replace(request, source=s, stream=st, **kw))
                        for st in streams[s]} for s in BENCHED}

        def reconcile() -> dict[str, dict]:
            return {s: _run(sim.pid, replace(request, source=s, reconcile=True))
                    for s in BENCHED if s in RECONCILING_SOURCES}

        full = each_stream()
        result["first_id_listing"] = reconcile()
        changed = max(1, people // 100)
        started = time.perf_counter()
        summary = sim.mutate_world(new=changed // 2, updated=changed,
                                   deleted=max(1, changed // 10), seed=4)
        result["mutation"] = {"seconds": round(time.perf_counter() - started, 1),
                              **_changed_records(summary)}
        incremental = {s: _run(sim.pid, replace(request, source=s)) for s in BENCHED}
        reconciled = reconcile()
    result["sources"] = {s: _source(full[s], incremental[s], reconciled.get(s)) for s in BENCHED}
    return result


def _run(server_pid: int, request: SyncRequest) -> dict:
    """One sync, timed and CPU-metered on both sides; records are top-level rows."""
    meter = Meter(server_pid)
    with meter:
        outcomes = list(run_sync(request))
    rows = {table: n for o in outcomes for table, n in o.rows.items()
            if "__" not in table and table != "deletions"}
    figures = _figures(sum(rows.values()), meter.measure.seconds, meter.measure.client_cpu,
                       meter.measure.server_cpu)
    figures["records_by_table"] = rows
    what = f"{request.source}/{request.stream or 'all'}{' reconcile' if request.reconcile else ''}"
    print(f"    {what}: {figures['records']:,} records in {figures['seconds']:.1f} s",
          file=sys.stderr,
          flush=True)  # a 1,000,000-person run takes a while: show where it is
    # where the client's time went: reading the API (extract) or dlt's own work
    trace = make_pipeline(request.source, request.warehouse, request.state_dir / "dlt").last_trace
    figures["step_seconds"] = {
        step.step: round((step.finished_at - step.started_at).total_seconds(), 2)
        for step in (trace.steps if trace else []) if step.step in ("extract", "normalize", "load")
    }
    return figures


def _figures(records: int, seconds: float, client_cpu: float, server_cpu: float) -> dict:
    def per_record(cpu: float) -> float | None:
        return round(cpu / records * 1e6, 1) if records else None

    return {
        "records": records, "seconds": round(seconds, 2),
        "records_per_second": round(records / seconds) if seconds and records else None,
        "client_cpu_seconds": round(client_cpu, 2), "server_cpu_seconds": round(server_cpu, 2),
        "client_us_per_record": per_record(client_cpu),
        "server_us_per_record": per_record(server_cpu),
        "client_server_cpu_ratio": round(client_cpu / server_cpu, 2) if server_cpu else None,
    }


def _total(runs: list[dict]) -> dict:
    out = _figures(sum(r["records"] for r in runs), sum(r["seconds"] for r in runs),
                   sum(r["client_cpu_seconds"] for r in runs),
                   sum(r["server_cpu_seconds"] for r in runs))
    steps = ("extract", "normalize", "load")
    out["step_seconds"] = {k: round(sum(r["step_seconds"].get(k, 0) for r in runs), 2)
                           for k in steps}
    return out


def _source(full: dict[str, dict], incremental: dict, reconcile: dict | None) -> dict:
    total_full = _total(list(full.values()))
    out = {"full": total_full, "incremental": incremental,
           "incremental_share_of_full": _share(incremental, total_full)}
    if reconcile is not None:
        with_ids = _total([incremental, reconcile])
        out |= {"reconciliation": reconcile, "incremental_with_reconciliation": with_ids,
                "reconciled_share_of_full": _share(with_ids, total_full)}
    out["streams"] = {st: {"full": full[st],
                           "incremental_records": incremental["records_by_table"].get(st, 0)}
                      for st in full}
    return out


def _share(part: dict, whole: dict) -> float | None:
    return round(part["seconds"] / whole["seconds"], 3) if whole["seconds"] else None


def _changed_records(summary: dict) -> dict[str, int]:
    counts = {"new": 0, "updated": 0, "deleted": 0}
    for parts in summary.values():
        if isinstance(parts, dict):
            for part in parts.values():
                for kind in counts:
                    counts[kind] += part.get(kind, 0)
    return counts


def format_table(result: dict) -> str:
    """The connectors bench as a table a person reads."""
    head = (f"connectors, {result['people']:,} people: world generated in "
            f"{result['world_seconds']} s, simulators loaded in "
            f"{result['simulator_startup_seconds']} s; 1% change = {result['mutation']}")
    cols = ("stream", "records", "full s", "extract s", "rec/s", "client us/rec",
            "server us/rec",
            "client/server", "incr records", "incr s", "incr share", "+reconcile s",
            "reconciled share")
    lines = [head, " | ".join(cols)]
    for source, r in result["sources"].items():
        rec = r.get("incremental_with_reconciliation") or {}
        lines.append(_row(source, r["full"], r["incremental"], r["incremental_share_of_full"],
                          rec.get("seconds"), r.get("reconciled_share_of_full")))
        for stream, s in r["streams"].items():
            lines.append(_row(f"  {stream}", s["full"], {"records": s["incremental_records"]},
                              None, None, None))
    return "\n".join(lines)


def _row(name: str, full: dict, inc: dict, share: Any, rec_s: Any, rec_share: Any) -> str:
    cells = (name, full["records"], full["seconds"], full["step_seconds"].get("extract"),
             full["records_per_second"],
             full["client_us_per_record"], full["server_us_per_record"],
             full["client_server_cpu_ratio"], inc["records"], inc.get("seconds"), share, rec_s,
             rec_share)
    return " | ".join("" if c is None else f"{c:,}" if isinstance(c, int) else str(c)
                      for c in cells)


if __name__ == "__main__":  # a quick look: python -m benchmarks.connectors [PEOPLE]
    import json
    import sys
    import tempfile

    bench = bench_connectors(int(sys.argv[1]) if len(sys.argv) > 1 else 2000,
                             Path(tempfile.mkdtemp()))
    print(json.dumps(bench, indent=2))
    print(format_table(bench))
