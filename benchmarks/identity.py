"""Identity resolution quality and cost: FEBRL3, FEBRL4 and synthetic worlds with truth.

Each case runs in its own process, so its peak memory (the process's maximum
resident set) is its own and not the bench's. Quality is pairwise precision,
recall and F1 of the golden ids against the truth; on the synthetic world it is
given with and without the X (social) profiles, whose display names and bios
hold too little to resolve most of them at all.

At scale, a FEBRL-like file (`sandbox/febrl_like.py`) of a million records
is resolved by cdpkit and by Splink 5 (a benchmark-only dependency,
`benchmarks/splink_runner.py`), each in its own process on the same file, so
the speed and quality ratio is measured in one run rather than remembered.
Splink runs with its EM capped at 2 million pairs, its fastest configuration
and the only one that fits this machine at a million records: uncapped, its
EM had passed 20 GB of memory after 10 minutes of CPU when it was stopped.

The same file also measures incremental resolution: a full run on 99% of
its records into a DuckDB file, then the run that adds the other 1%, both
through `identity.incremental.resolve_into`.

    python -m benchmarks identity [--identity-people 10000 100000]
                                  [--identity-scale 1000000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

FEBRL_CASES = ("febrl4", "febrl3")


#: Splink's EM caps run beside cdpkit at scale (None would be uncapped)
SPLINK_EM_CAPS = (2_000_000,)


def bench_identity(people: list[int], root: Path, scale: tuple[int, ...] = (),
                   febrl: bool = True) -> dict[str, Any]:
    """Every FEBRL case, a synthetic world per size in `people`, then per size in
    `scale` a FEBRL-like file resolved by cdpkit and by Splink."""
    cases: list[dict[str, Any]] = []
    for name in FEBRL_CASES if febrl else ():
        cases.append(_in_subprocess(["--febrl", name]))
        cases.append(_in_subprocess(["--febrl", name, "--default-settings"]))
    for n in people:
        world = root / f"identity-world-{n}"
        if not (world / "manifest.json").exists():
            from sandbox.world import generate_world

            generate_world(world, people=n, seed=7)
        cases.append(_in_subprocess(["--world", str(world)]))
    comparisons = []
    for n in scale:
        path = root / f"febrl-like-{n}.parquet"
        if not path.exists():
            from sandbox.febrl_like import generate

            generate(n, seed=1).to_parquet(path, index=False)
        ours = _in_subprocess(["--file", str(path)])
        splinks = [_in_subprocess(["--em-max-pairs", str(cap)] if cap else [],
                                  module="benchmarks.splink_runner",
                                  prefix=["--input", str(path), "--truth-column", "true_id",
                                          "--case", f"FEBRL-like {n:,}"])
                   for cap in SPLINK_EM_CAPS]
        incremental = _in_subprocess(["--incremental", str(path)])
        cases += [ours, *splinks, incremental]
        best = min(splinks, key=lambda c: c["seconds"])
        comparisons.append({
            "records": n, "cdpkit_seconds": ours["seconds"],
            "splink_best_seconds": best["seconds"], "splink_best": best["case"],
            "seconds_ratio": round(ours["seconds"] / best["seconds"], 3),
            "cdpkit_f1": ours["f1"], "splink_best_f1": best["f1"],
            "cdpkit_peak_mb": ours["peak_mb"], "splink_best_peak_mb": best["peak_mb"],
            "full_run_seconds": incremental["full_seconds"],
            "incremental_seconds": incremental["seconds"],
            "incremental_ratio": incremental["incremental_ratio"]})
    return {"bench": "identity", "cases": cases, "scale_comparison": comparisons}


def _in_subprocess(args: list[str], module: str = "benchmarks.identity",
                   prefix: list[str] | None = None) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", module, *(prefix or []), *args],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"identity case {args} failed:\n{done.stderr[-4000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"    identity {result['case']}: F1 {result['f1']:.4f} in {result['seconds']:.1f} s, "
          f"peak {result['peak_mb']:,} MB", file=sys.stderr, flush=True)
    return result


def _run_febrl(name: str, default_settings: bool) -> dict[str, Any]:
    from identity.febrl import febrl_settings, febrl_table
    from identity.interface import evaluate_table
    from identity.settings import IdentitySettings

    table = febrl_table(name)
    settings = IdentitySettings() if default_settings else febrl_settings(name)
    evaluation = evaluate_table(table, "true_id", settings)
    case = f"{name}{' (default settings)' if default_settings else ''}"
    return {"case": case, **_figures(evaluation.as_dict())}


def _run_file(path: Path) -> dict[str, Any]:
    """A FEBRL-like file: no households, so FEBRL's settings (`identity/febrl.py`).

    `seconds` runs from the table in memory to golden ids (standardise
    included), as Splink's runner counts from its table in memory.
    """
    from identity.febrl import febrl_settings
    from identity.interface import evaluate_table, read_table

    started = time.perf_counter()
    table = read_table(path)
    read_seconds = time.perf_counter() - started
    evaluation = evaluate_table(table, "true_id", febrl_settings("febrl3"))
    figures = _figures(evaluation.as_dict())
    return {"case": f"cdpkit FEBRL-like {len(table):,}", **figures,
            "read_seconds": round(read_seconds, 2)}


def _run_incremental(path: Path, share: float = 0.01) -> dict[str, Any]:
    """A full run into a DuckDB file on all but `share` of the records, then the run
    that adds them: both through `resolve_into`, the path the Dagster asset and
    `cdpkit identity resolve --state` take, each timed from the records in
    memory to the tables committed."""
    import tempfile

    import duckdb
    import numpy as np

    from identity.evaluate import pairwise_scores
    from identity.febrl import febrl_settings
    from identity.incremental import resolve_into
    from identity.interface import read_table, to_records

    table = read_table(path)
    records = to_records(table.drop(columns="true_id"))
    truth = _truth_frame(records, table["true_id"])
    held = np.random.default_rng(0).random(len(records)) < share
    settings = febrl_settings("febrl3")
    with tempfile.TemporaryDirectory(prefix="cdpkit-incremental-") as tmp, \
            duckdb.connect(str(Path(tmp) / "state.duckdb")) as con:
        started = time.perf_counter()
        full = resolve_into(con, records[~held], settings)
        full_seconds = time.perf_counter() - started
        started = time.perf_counter()
        run = resolve_into(con, records, settings)
        seconds = time.perf_counter() - started
        crosswalk = con.sql("select source, source_id, golden_id from identity.crosswalk").df()
    if run.mode != "incremental" or full.mode != "full":
        raise RuntimeError(f"expected a full then an incremental run, got {full.mode}, "
                           f"{run.mode} ({run.reason})")
    scores = pairwise_scores(crosswalk, truth, collections=None)
    stages = {k: v for k, v in run.stats.items() if k.endswith("_seconds")}
    return {"case": f"cdpkit incremental: {int(held.sum()):,} new records to "
                    f"{int((~held).sum()):,}", **_figures(scores.__dict__),
            "seconds": round(seconds, 2), "full_seconds": round(full_seconds, 2),
            "incremental_ratio": round(seconds / full_seconds, 4),
            "reclustered_records": run.stats["reclustered_records"],
            "stage_seconds": stages}


def _truth_frame(records, true_ids):  # noqa: ANN001, ANN201 - pandas imported lazily
    import pandas as pd

    return pd.DataFrame({"source": records["source"].to_numpy(),
                         "source_id": records["source_id"].to_numpy(),
                         "person_id": true_ids.astype(str).to_numpy()})


def _run_world(world: Path) -> dict[str, Any]:
    from identity.evaluate import pairwise_scores
    from identity.resolve import resolve
    from sandbox.world.identity_input import world_records, world_truth

    started = time.perf_counter()
    records = world_records(world)
    truth = world_truth(world)
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    result = resolve(records)
    seconds = time.perf_counter() - started
    scores = pairwise_scores(result.crosswalk, truth)
    without = pairwise_scores(result.crosswalk[result.crosswalk["source"] != "social"], truth)
    people = json.loads((world / "manifest.json").read_text())["people"]
    stages = {k: v for k, v in result.stats.items() if k.endswith("_seconds")}
    return {
        "case": f"world {people:,} people", **_figures(scores.__dict__),
        "seconds": round(seconds, 2), "stage_seconds": stages,
        "read_seconds": round(load_seconds, 2),
        "without_social": _figures(without.__dict__),
        "candidate_pairs": result.stats.get("candidate_pairs"),
        "review_queue": result.stats.get("review_queue"),
    }


def _figures(scores: dict[str, Any]) -> dict[str, Any]:
    keep = ("records", "precision", "recall", "f1", "seconds", "stage_seconds")
    return {k: round(v, 4) if isinstance(v, float) else v
            for k, v in scores.items() if k in keep}


def format_table(result: dict[str, Any]) -> str:
    lines = ["| case | records | precision | recall | F1 | seconds | peak MB |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for c in result["cases"]:
        lines.append(f"| {c['case']} | {c['records']:,} | {c['precision']:.4f} | "
                     f"{c['recall']:.4f} | {c['f1']:.4f} | {c['seconds']:.1f} | "
                     f"{c['peak_mb']:,} |")
        if "without_social" in c:
            w = c["without_social"]
            lines.append(f"| ... without X profiles | {w['records']:,} | {w['precision']:.4f} "
                         f"| {w['recall']:.4f} | {w['f1']:.4f} | | |")
    for c in result.get("scale_comparison", []):
        lines.append(f"\n{c['records']:,} records: cdpkit {c['cdpkit_seconds']:.1f} s "
                     f"(F1 {c['cdpkit_f1']:.4f}, {c['cdpkit_peak_mb']:,} MB) against "
                     f"{c['splink_best']} {c['splink_best_seconds']:.1f} s "
                     f"(F1 {c['splink_best_f1']:.4f}, {c['splink_best_peak_mb']:,} MB): "
                     f"{c['seconds_ratio']:.2f}x Splink's time")
        if "incremental_seconds" in c:
            lines.append(f"adding 1% new records: {c['incremental_seconds']:.1f} s "
                         f"incrementally against {c['full_run_seconds']:.1f} s for the full "
                         f"run ({c['incremental_ratio']:.1%} of it)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """One case in this process; prints its figures as one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.identity")
    parser.add_argument("--febrl", choices=FEBRL_CASES)
    parser.add_argument("--default-settings", action="store_true")
    parser.add_argument("--world", type=Path)
    parser.add_argument("--file", type=Path, help="an interface file with a true_id column")
    parser.add_argument("--incremental", type=Path,
                        help="an interface file with a true_id column: a full run on 99 %% "
                             "of it, then an incremental run adding the rest")
    args = parser.parse_args(argv)
    if args.febrl:
        result = _run_febrl(args.febrl, args.default_settings)
    elif args.file:
        result = _run_file(args.file)
    elif args.incremental:
        result = _run_incremental(args.incremental)
    elif args.world:
        result = _run_world(args.world)
    else:
        parser.error("give --febrl NAME, --world DIR or --file FILE")
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
