"""dbt's build after identity, after a further 1% change, timed from the dbt CLI.

The pipeline bench at a million people takes most of an hour, and its dbt figures
share the machine with the Dagster run that streams dbt's events. Work on the dbt
project at scale needs a shorter loop on the same data: this bench takes the
directory an earlier `python -m benchmarks pipeline --keep DIR` left, serves its
world again, changes 1% of it (0.5% new people, 1% updated, 0.1% deleted), runs the
pipeline up to dbt's build after identity (every sync, dbt before identity, identity
resolution, and their checks), keeps a
copy of that warehouse, and then times `dbt build` of everything after identity (what
the `dbt_after_identity` asset runs) on fresh copies of it, on one thread and on the
project's default four, each beside the same build with `--full-refresh`: the ratio
of the two comes from one run on one machine state. Each run is the same incremental
build on the same data, so two commits compare on equal terms in minutes. The
incremental build is timed twice over: as the hourly builds run it (DuckDB's vacuum
deferred) and as the first build of a day does (it compacts the tables it writes);
`hourly_day_ratio` weighs 23 of the one with 1 of the other.

The simulators serve the world as it was generated: records an earlier change added
are gone from the sources again and are not re-read (their timestamps are older than
the connectors' cursors), so the change is the new one, at about the same size.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from dagster import AssetSelection, DagsterInstance

from benchmarks.storage import NEXT_WRITERS, working_copy, writer_close_seconds
from cdpkit.demo import prepare_local_state
from cdpkit.runner import QUIET_CONSOLE
from cdpkit.sandbox_env import running_simulators, world_clock
from orchestration.settings import DBT_PROJECT_DIR
from orchestration.warehouse.assets import AFTER_IDENTITY_EXCLUDE, BUILD, dbt_after_identity

#: the dbt CLI of the virtualenv this bench runs in
DBT = Path(sys.executable).with_name("dbt")


def bench_dbt_incremental(root: Path, people: int, seed: int = 5,
                          threads: tuple[int, ...] = (1, 4), repeats: int = 2) -> dict:
    """Change 1% of the kept world in `root`, run the pipeline to identity, then time the
    dbt build after identity `repeats` times per thread count on copies of the result."""
    state = prepare_changed_state(root, people, seed)
    clock = world_clock(root / f"world-{people}")
    runs = []
    for count in threads:
        for attempt in range(repeats):
            for kind, full_refresh, compact in BUILD_KINDS:
                work = root / "dbt-incremental" / f"{kind}{count}-{attempt}"
                runs.append({"threads": count, "full_refresh": full_refresh,
                             "compacts": compact,
                             **time_dbt_after_identity(state, work, count, clock,
                                                       full_refresh=full_refresh,
                                                       compact=compact)})

    def best(full_refresh: bool, compact: bool) -> dict[int, float]:
        return {count: min(run["elapsed_with_close"] for run in runs
                           if run["threads"] == count and run["full_refresh"] == full_refresh
                           and run["compacts"] == compact)
                for count in threads}

    next_writer = time_next_writer(state, root / "dbt-incremental" / "next-writer", clock)
    hourly, compacting, full = best(False, False), best(False, True), best(True, False)
    return {"bench": "dbt-incremental", "people": people, "seed": seed,
            "success": all(run["success"] for run in runs),
            "best_elapsed": hourly, "best_compacting": compacting, "best_full_refresh": full,
            "incremental_ratio": {count: round(hourly[count] / full[count], 3)
                                  for count in threads},
            "compacting_ratio": {count: round(compacting[count] / full[count], 3)
                                 for count in threads},
            # the pipeline's default: a build every hour, of which one a day compacts
            "hourly_day_ratio": {count: round((23 * hourly[count] + compacting[count])
                                              / 24 / full[count], 3) for count in threads},
            "next_writer_close": next_writer,
            "runs": runs}


def time_next_writer(state: Path, work: Path, metrics_as_of: str | None) -> dict:
    """The hourly build (vacuum deferred) on a copy of `state`, then, on a copy of its
    result each, the close of the process that writes the warehouse next (one log row):
    with DuckDB's default vacuum it compacts what the build left in every table; cdpkit's
    writers defer it (cdpkit/storage.py)."""
    build = time_dbt_after_identity(state, work, 1, metrics_as_of, keep=True)
    built = work / state.name
    closes = {}
    try:
        for policy, prepare in NEXT_WRITERS:
            with working_copy(built, work / policy) as copy:
                closes[policy] = writer_close_seconds(copy, prepare)
    finally:
        built.unlink()
    return {"build_success": build["success"], **closes}


#: what each timed build is: its directory's prefix, whether it is a full refresh, and
#: whether DuckDB vacuums the tables it writes (var `compact_storage`): the hourly
#: build does not, the day's first one does (macros/storage_compaction.sql)
BUILD_KINDS = (("t", False, False), ("compact", False, True), ("full", True, False))


def prepare_changed_state(root: Path, people: int, seed: int) -> Path:
    """The warehouse of `root` after a further 1% change, synced and resolved (the state
    `dbt_after_identity` starts from), copied beside it; the kept one moves on with it."""
    from benchmarks.simprocess import BENCH_OPTIONS
    from orchestration.definitions import build_defs
    from sandbox.simulators import mutate_world

    os.environ["CDP_STATE_DIR"] = str(root / f"state-{people}")
    os.environ["DAGSTER_HOME"] = str(root / f"dagster-{people}")
    warehouse = prepare_local_state(root / f"cdp-{people}.duckdb", fresh=False)
    with running_simulators(root / f"world-{people}", BENCH_OPTIONS) as handles:
        changed = max(1, people // 100)
        mutate_world(handles, new=changed // 2, updated=changed,
                     deleted=max(1, changed // 10), seed=seed)
        defs = build_defs()
        job = defs.resolve_job_def("cdp_pipeline")
        graph = defs.resolve_asset_graph()
        keys = job.asset_layer.executable_asset_keys
        # everything the pipeline runs before dbt's build after identity: every sync in
        # full (the orders and the email activity too, which identity does not read),
        # dbt before identity and identity itself
        after = AssetSelection.assets(*dbt_after_identity.keys).downstream().resolve(graph)
        result = job.execute_in_process(
            instance=DagsterInstance.get(), raise_on_error=False, run_config=QUIET_CONSOLE,
            asset_selection=[key for key in keys if key not in after])
    if not result.success:
        raise RuntimeError("the pipeline up to identity failed; see the Dagster run "
                           f"{result.run_id} in {os.environ['DAGSTER_HOME']}")
    state = root / "dbt-incremental" / "state" / warehouse.name
    state.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(warehouse, state)
    return state


def time_dbt_after_identity(state: Path, work: Path, threads: int,
                            metrics_as_of: str | None, full_refresh: bool = False,
                            compact: bool = False, keep: bool = False) -> dict:
    """One `dbt build` after identity on a fresh copy of `state`: dbt's elapsed time and
    its slowest nodes, from its run_results. With `full_refresh`, the same selection
    rebuilt whole (`--full-refresh`) on the same data: the ratio's denominator, taken
    in the same run. `compact` sets var `compact_storage`: whether DuckDB vacuums the
    tables the build writes, as the pipeline's first build of a day does.

    The copy keeps the warehouse's file name, the database name the compiled SQL (and
    so the unchanged-view fingerprints) carries, and is synced to disk first, so the
    build's first checkpoint does not also write out the copy.

    dbt's elapsed time ends before the process closes the warehouse, and DuckDB
    checkpoints what is left of its write-ahead log then: `closing` is the time from
    run_results' `generated_at` to the process's end, and the bench's figures
    (`elapsed_with_close`) count it, so a setting that only moves the checkpoint past
    dbt's clock does not look like a saving. With `keep`, the built warehouse stays in
    `work`."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    warehouse = work / state.name
    shutil.copyfile(state, warehouse)
    os.sync()
    env = {**os.environ, "CDP_WAREHOUSE_PATH": str(warehouse), "CDP_DBT_THREADS": str(threads),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    if metrics_as_of:
        env["CDP_METRICS_AS_OF"] = metrics_as_of
    started = time.perf_counter()
    completed = subprocess.run(
        [str(DBT), *BUILD, "--exclude", AFTER_IDENTITY_EXCLUDE,
         "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(work / "target"),
         "--log-path", str(work / "logs"), "--quiet",
         "--vars", json.dumps({"compact_storage": compact}),
         *(["--full-refresh"] if full_refresh else [])],
        env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    ended = datetime.now(UTC)
    results = json.loads((work / "target" / "run_results.json").read_text())
    if not keep:
        warehouse.unlink()
    generated = datetime.fromisoformat(results["metadata"]["generated_at"].replace("Z", "+00:00"))
    elapsed = round(results["elapsed_time"], 2)
    closing = round(max(0.0, (ended - generated).total_seconds()), 2)
    return {"success": completed.returncode == 0, "elapsed": elapsed, "closing": closing,
            "elapsed_with_close": round(elapsed + closing, 2),
            "wall": round(wall, 1), "nodes": len(results["results"]),
            "slowest_nodes": slowest_nodes(results["results"])}


def slowest_nodes(results: list[dict], top: int = 12) -> dict[str, float]:
    """The `top` nodes of a dbt run_results list by their own time, slowest first, named
    without their resource type and package (`dim_customers`, `unique_..._key.hash`)."""
    slowest = sorted(results, key=lambda node: -node["execution_time"])[:top]
    return {node["unique_id"].split(".", 2)[-1]: round(node["execution_time"], 2)
            for node in slowest}
