"""`make bench`: world generation at scale, connectors, identity, and the whole pipeline.

    python -m benchmarks [world|connectors|identity|pipeline|privacy|dbt-incremental|storage]
                         [--world-people 100000]
                         [--connector-people 20000] [--identity-people 10000 100000]
                         [--identity-scale 1000000]
                         [--pipeline-people 5000 20000] [--privacy-warehouse FILE]
                         [--storage-warehouse FILE] [--storage-hours 24]

With a bench named, only that one runs (e.g. `python -m benchmarks connectors
--connector-people 1000000`; `--connector-world DIR` reuses a world made with
`python -m sandbox.world --people 1000000 --seed 3 --out DIR`).

`--keep DIR` runs in DIR and leaves its worlds, warehouses and state there (to
time dbt or identity again on a warehouse at scale); without it a temporary
directory is used and removed. `python -m benchmarks dbt-incremental --keep DIR
--pipeline-people N` then changes another 1% of that kept pipeline world, runs it up
to identity and times dbt's build after identity from the CLI on copies of the result
(minutes, where the pipeline bench takes most of an hour; benchmarks/dbt_incremental.py).
`python -m benchmarks storage --storage-warehouse FILE` replays a day of hourly
builds' deletes and inserts on copies of a warehouse, with DuckDB's vacuum at every
checkpoint and deferred to the day's last (benchmarks/storage.py).

Results are printed and written to `.cdpkit/bench/results.json` (one bench alone:
`.cdpkit/bench/<bench>.json`).
Timings on a shared machine are noisy: compare ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance

from benchmarks import dbt_incremental
from benchmarks import identity as identity_bench
from benchmarks import privacy as privacy_bench
from benchmarks import storage as storage_bench
from benchmarks.connectors import bench_connectors, format_table
from benchmarks.simprocess import BENCH_OPTIONS
from cdpkit.demo import prepare_local_state
from cdpkit.runner import run_pipeline
from cdpkit.sandbox_env import running_simulators
from orchestration.settings import DBT_PROJECT_DIR
from sandbox.world import generate_world

#: where dagster-dbt leaves each dbt step's artifacts
DBT_TARGET = DBT_PROJECT_DIR / "target"


def bench_world(people: int, out: Path) -> dict:
    started = time.perf_counter()
    manifest = generate_world(out, people=people, seed=1)
    seconds = time.perf_counter() - started
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    records = sum(manifest["counts"].values())
    return {"bench": "world", "people": people, "seconds": round(seconds, 1),
            "people_per_second": round(people / seconds), "records": records,
            "megabytes": round(size / 1e6)}


PIPELINE_RUNS = ("full", "after 1% change", "no change")


def bench_pipeline(people: int, root: Path, labels: tuple[str, ...] = PIPELINE_RUNS) -> dict:
    """The whole pipeline on a fresh world, then again after 1% of it changes (0.5% new
    people, 1% updated, 0.1% deleted): syncs, identity and dbt then run
    incrementally; then once more with nothing changed, which measures what an
    incremental run costs whatever the change (start-up, hooks, checks, scans that
    find nothing). Each run also reports dbt's own time per dbt step (its
    run_results), the figure the dbt ratios compare."""
    from sandbox.simulators import mutate_world

    world = root / f"world-{people}"
    generate_world(world, people=people, seed=2)
    os.environ["CDP_STATE_DIR"] = str(root / f"state-{people}")
    os.environ["DAGSTER_HOME"] = str(root / f"dagster-{people}")
    prepare_local_state(root / f"cdp-{people}.duckdb", fresh=True)
    from orchestration.definitions import build_defs

    instance = DagsterInstance.ephemeral()
    runs = []
    # X's 15-minute windows lifted, as in the connectors bench: a large account's
    # first sync is otherwise those windows, not the pipeline
    with running_simulators(world, BENCH_OPTIONS) as handles:
        for label in labels:
            if label == "after 1% change":
                changed = max(1, people // 100)
                mutate_world(handles, new=changed // 2, updated=changed,
                             deleted=max(1, changed // 10), seed=4)
            started = time.perf_counter()
            run_id, success = run_pipeline(build_defs(), instance,
                                           log_path=root / f"{people}-{len(runs)}.log")
            runs.append({"run": label, "success": success,
                         "seconds": round(time.perf_counter() - started, 1),
                         "steps": step_seconds(instance, run_id),
                         "dbt_seconds": dbt_seconds(run_id),
                         "dbt_slowest_nodes": dbt_slowest_nodes(run_id)})
    full, incremental = runs[:2]

    def dbt_ratio(run: dict) -> float:
        return round(sum(run["dbt_seconds"].values()) / sum(full["dbt_seconds"].values()), 3)

    result = {"bench": "pipeline", "people": people,
              "success": all(run["success"] for run in runs),
              "seconds": full["seconds"], "steps": full["steps"], "runs": runs,
              "incremental_ratio": round(incremental["seconds"] / full["seconds"], 3),
              "dbt_incremental_ratio": dbt_ratio(incremental)}
    if len(runs) > 2:
        result["no_change_ratio"] = round(runs[2]["seconds"] / full["seconds"], 3)
        result["dbt_no_change_ratio"] = dbt_ratio(runs[2])
    return result


def dbt_seconds(run_id: str) -> dict[str, float]:
    """dbt's own elapsed time of each dbt step of a run, from the run_results.json
    dagster-dbt leaves in `target/<step>-<run id prefix>-*`."""
    out = {}
    for results in sorted(DBT_TARGET.glob(f"*-{run_id[:7]}-*/run_results.json")):
        step = results.parent.name.rsplit("-", 2)[0]
        out[step] = round(json.loads(results.read_text())["elapsed_time"], 1)
    return out


def dbt_slowest_nodes(run_id: str, top: int = 12) -> dict[str, dict[str, float]]:
    """The `top` dbt nodes of each dbt step of a run by their own time (seconds, from the
    same run_results), so a bench shows which models and tests an incremental build
    still pays for. Nodes run in parallel: these overlap and do not add up to the step."""
    out = {}
    for results in sorted(DBT_TARGET.glob(f"*-{run_id[:7]}-*/run_results.json")):
        step = results.parent.name.rsplit("-", 2)[0]
        out[step] = dbt_incremental.slowest_nodes(json.loads(results.read_text())["results"],
                                                  top)
    return out


def step_seconds(instance: DagsterInstance, run_id: str) -> dict[str, float]:
    """Wall time of each step, from its start and success events."""
    starts: dict[str, float] = {}
    out: dict[str, float] = {}
    kinds = {DagsterEventType.STEP_START, DagsterEventType.STEP_SUCCESS}
    for record in instance.get_records_for_run(run_id, of_type=kinds).records:
        entry = record.event_log_entry
        step = entry.step_key
        if entry.dagster_event.event_type == DagsterEventType.STEP_START:
            starts[step] = entry.timestamp
        elif step in starts:
            out[step] = round(entry.timestamp - starts[step], 1)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("only", nargs="?",
                        choices=("world", "connectors", "identity", "pipeline", "privacy",
                                 "dbt-incremental", "storage"),
                        help="run only this bench")
    parser.add_argument("--world-people", type=int, default=100_000)
    parser.add_argument("--pipeline-people", type=int, nargs="*", default=[5000, 20000])
    parser.add_argument("--connector-people", type=int, nargs="*", default=[20000])
    parser.add_argument("--identity-people", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--identity-scale", type=int, nargs="*", default=[1_000_000],
                        help="FEBRL-like records resolved by cdpkit and by Splink")
    parser.add_argument("--connector-world", type=Path,
                        help="reuse this world (one --connector-people, generated with seed 3)")
    parser.add_argument("--privacy-warehouse", type=Path, metavar="FILE",
                        help="time one erasure on a copy of this warehouse (privacy bench)")
    parser.add_argument("--storage-warehouse", type=Path, metavar="FILE",
                        help="replay a day of hourly builds on copies of this warehouse "
                             "(storage bench)")
    parser.add_argument("--storage-hours", type=int, default=24)
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="run in DIR and keep its worlds, warehouses and state")
    args = parser.parse_args()
    if args.only == "dbt-incremental" and not args.keep:
        parser.error("dbt-incremental needs --keep DIR, a directory an earlier "
                     "`pipeline --keep DIR` run left")
    if args.only == "storage" and not args.storage_warehouse:
        parser.error("storage needs --storage-warehouse FILE, a warehouse at scale "
                     "(a `pipeline --keep DIR` run leaves DIR/cdp-N.duckdb)")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    root = args.keep or Path(tempfile.mkdtemp(prefix="cdpkit-bench-"))
    results = []
    try:
        if args.only in (None, "world"):
            print(f"world generation, {args.world_people:,} people ...", flush=True)
            results.append(bench_world(args.world_people, root / "world-scale"))
            shutil.rmtree(root / "world-scale")
            print(json.dumps(results[-1]), flush=True)
        for people in args.connector_people if args.only in (None, "connectors") else []:
            print(f"connectors, full then incremental after 1% changes, {people:,} people ...",
                  flush=True)
            results.append(bench_connectors(people, root, args.connector_world))
            print(format_table(results[-1]), flush=True)
        if args.only in (None, "identity"):
            print("identity: FEBRL4, FEBRL3 and synthetic worlds of "
                  f"{', '.join(f'{n:,}' for n in args.identity_people)} people ...", flush=True)
            results.append(identity_bench.bench_identity(args.identity_people, root,
                                                         tuple(args.identity_scale)))
            print(identity_bench.format_table(results[-1]), flush=True)
        for people in args.pipeline_people if args.only in (None, "pipeline") else []:
            print(f"whole pipeline, {people:,} people ...", flush=True)
            results.append(bench_pipeline(people, root))
            print(json.dumps(results[-1]), flush=True)
        if args.only == "dbt-incremental":
            people = args.pipeline_people[0]
            print(f"dbt after identity, after a further 1% change, {people:,} people ...",
                  flush=True)
            results.append(dbt_incremental.bench_dbt_incremental(root, people))
            print(json.dumps(results[-1]), flush=True)
        if args.only in (None, "privacy"):
            print("privacy: the suppression step at load ...", flush=True)
            results.append(privacy_bench.bench_suppression_step())
            print(json.dumps(results[-1]), flush=True)
            if args.privacy_warehouse:
                print(f"privacy: one erasure on a copy of {args.privacy_warehouse} ...",
                      flush=True)
                results.append(privacy_bench.bench_erasure(args.privacy_warehouse, root))
                print(json.dumps(results[-1]), flush=True)
        if args.only in (None, "storage") and args.storage_warehouse:
            print(f"storage: {args.storage_hours} hourly builds on copies of "
                  f"{args.storage_warehouse} ...", flush=True)
            results.append(storage_bench.bench_storage(args.storage_warehouse, root,
                                                       args.storage_hours))
            print(json.dumps(results[-1]), flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    out = Path(f".cdpkit/bench/{args.only or 'results'}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"results: {out}")
    return 0 if all(r.get("success", True) for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
