"""Stage timings: kept per stage in run order and read back with linkage's steps."""

from __future__ import annotations

from identity.timing import StageTimer, stage_seconds


def test_the_timer_keeps_each_stage_under_its_name_and_returns_the_result():
    timer = StageTimer(suffix="_seconds")
    assert timer.time("add", lambda a, b: a + b, 2, 3) == 5
    assert timer.time("upper", str.upper, "x") == "X"
    assert list(timer.seconds) == ["add_seconds", "upper_seconds"]
    assert all(seconds >= 0 for seconds in timer.seconds.values())


def test_stage_seconds_lists_linkage_steps_after_linkage_and_leaves_the_total_out():
    stats = {"standardise_seconds": 1.0, "linkage_seconds": 3.0,
             "linkage_stage_seconds": {"blocking": 1.0, "compare_and_score": 1.5},
             "cluster_seconds": 0.5, "seconds": 4.5, "records_in": 10}
    assert stage_seconds(stats) == [
        ("standardise", 1.0, False), ("linkage", 3.0, False), ("blocking", 1.0, True),
        ("compare_and_score", 1.5, True), ("cluster", 0.5, False)]
