"""Graph health: cluster-size bands, merge rate, and the problems that fail the check."""

from __future__ import annotations

import pandas as pd

from identity.health import HealthLimits, graph_health, health_problems


def golden(*sizes: int) -> pd.DataFrame:
    return pd.DataFrame({"member_count": list(sizes)})


def test_graph_health_figures() -> None:
    health = graph_health(golden(1, 1, 2, 3, 5, 25), pd.DataFrame({"x": [1, 2]}))
    assert health["records"] == 37 and health["clusters"] == 6
    assert health["largest_cluster"] == 25
    assert health["merge_rate"] == round(1 - 6 / 37, 4)
    assert health["cluster_sizes"] == {"1": 2, "2": 1, "3": 1, "4-5": 1, "6-10": 0,
                                       "11-20": 0, "21+": 1}
    assert health["review_queue"] == 2


def test_empty_graph_is_healthy() -> None:
    health = graph_health(golden(), pd.DataFrame())
    assert health["merge_rate"] == 0.0 and health["largest_cluster"] == 0
    assert health_problems(health, None) == []


def test_a_junk_key_cluster_and_a_merge_rate_jump_are_problems() -> None:
    healthy = graph_health(golden(1, 2, 3), pd.DataFrame())
    assert health_problems(healthy, {"merge_rate": healthy["merge_rate"]}) == []
    junk = graph_health(golden(1, 1, 40), pd.DataFrame())
    problems = health_problems(junk, {"merge_rate": 0.1}, HealthLimits(max_cluster_size=20))
    assert len(problems) == 2
    assert "40 records" in problems[0] and "merge rate rose" in problems[1]
    # no previous run: only the size limit applies
    assert len(health_problems(junk, None)) == 1
