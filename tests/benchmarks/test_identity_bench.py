"""The identity bench's scale case: cdpkit and Splink on one FEBRL-like file, side by side."""

from __future__ import annotations

from benchmarks import identity as bench
from sandbox.febrl_like import generate


def test_the_scale_case_runs_both_resolvers_on_one_file_and_compares_them(tmp_path):
    generate(3_000, seed=2).to_parquet(tmp_path / "febrl-like-3000.parquet", index=False)
    result = bench.bench_identity([], tmp_path, scale=(3_000,), febrl=False)
    cases = {case["case"]: case for case in result["cases"]}
    ours = cases["cdpkit FEBRL-like 3,000"]
    assert ours["records"] == 3_000 and ours["f1"] > 0.95
    splinks = [case for name, case in cases.items() if name.startswith("splink")]
    assert len(splinks) == len(bench.SPLINK_EM_CAPS)
    assert all(case["records"] == 3_000 and case["f1"] > 0.9 for case in splinks)
    [comparison] = result["scale_comparison"]
    best = min(splinks, key=lambda case: case["seconds"])
    assert comparison["splink_best_seconds"] == best["seconds"]
    assert comparison["seconds_ratio"] == round(ours["seconds"] / best["seconds"], 3)
    assert "Splink's time" in bench.format_table(result)
    incremental = next(case for name, case in cases.items() if "incremental" in name)
    assert incremental["records"] == 3_000 and incremental["f1"] > 0.95
    assert 0 < incremental["reclustered_records"] < 3_000
    assert comparison["incremental_ratio"] == incremental["incremental_ratio"]
    assert "adding 1% new records" in bench.format_table(result)
