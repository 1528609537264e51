"""The identity graph's health: the figures that show a run merged what it should not.

A junk key ("noemail@example.com", a shop's own phone number) or a bad model
shows up in the shape of the clusters before anyone reads a record: one
cluster grows far past the size of a family, or a run merges a much larger
share of records than the runs before it. These figures are computed per run
(Dagster metadata, `IdentityResult.stats["health"]`) and judged against limits
and the previous run (the `identity_graph_is_healthy` asset check).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

#: cluster-size bands of the distribution people read
SIZE_BANDS = ((1, 1), (2, 2), (3, 3), (4, 5), (6, 10), (11, 20), (21, None))


@dataclass(frozen=True)
class HealthLimits:
    """When a run's graph is not believable."""

    #: no person has more records than this across the sources
    max_cluster_size: int = 20
    #: merge rate may rise by this much (absolute) over the previous run's
    max_merge_rate_rise: float = 0.05


def graph_health(golden_profiles: pd.DataFrame, review_queue: pd.DataFrame) -> dict[str, Any]:
    """Records, clusters, largest cluster, merge rate, size bands and review-queue size.

    The merge rate is the share of records that are not their cluster's first:
    0 when nothing merged, near 1 when everything collapsed into a few clusters.
    """
    sizes = golden_profiles["member_count"].astype("int64")
    records = int(sizes.sum())
    bands = {}
    for low, high in SIZE_BANDS:
        inside = (sizes >= low) if high is None else sizes.between(low, high)
        label = f"{low}+" if high is None else (f"{low}" if low == high else f"{low}-{high}")
        bands[label] = int(inside.sum())
    return {
        "records": records,
        "clusters": len(sizes),
        "largest_cluster": int(sizes.max()) if len(sizes) else 0,
        "merge_rate": round(1 - len(sizes) / records, 4) if records else 0.0,
        "cluster_sizes": bands,
        "review_queue": len(review_queue),
    }


def health_problems(current: dict[str, Any], previous: dict[str, Any] | None,
                    limits: HealthLimits | None = None) -> list[str]:
    """What is wrong with `current`, against `limits` and the `previous` run; empty if fine."""
    limits = limits or HealthLimits()
    problems = []
    if current["largest_cluster"] > limits.max_cluster_size:
        problems.append(f"a cluster holds {current['largest_cluster']} records "
                        f"(limit {limits.max_cluster_size}): a junk key or a chain")
    if previous is not None and "merge_rate" in previous:
        rise = current["merge_rate"] - float(previous["merge_rate"])
        if rise > limits.max_merge_rate_rise:
            problems.append(f"merge rate rose from {previous['merge_rate']:.4f} to "
                            f"{current['merge_rate']:.4f} (limit +{limits.max_merge_rate_rise})")
    return problems
