"""The privacy bench measures what it says: 1% of rows dropped, none with an empty list."""

from __future__ import annotations

from benchmarks.privacy import bench_suppression_step


def test_the_suppression_bench_times_both_lists():
    result = bench_suppression_step(rows=2_000, batch=500)
    assert result["rows"] == 2_000
    runs = result["runs"]
    assert runs["empty list"]["rows_dropped"] == 0
    assert runs["1% of rows suppressed"]["rows_dropped"] == 20
