"""Clusters: connected components over trusted links, grown by scored links under a guard.

Deterministic rules are trusted links (each already passed the household guard),
so any chain of them is one person; scipy's sparse connected components runs in
linear time on millions of records. Probabilistic links are weaker evidence and
are added strongest first, each only if the two clusters it joins hold no pair
of records the guard calls different people.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from identity.compare import DISAGREE, first_names_agree

CONFLICTS = ("first_name", "date_of_birth")


def cluster_labels(n_records: int, edges: pd.DataFrame) -> np.ndarray:
    """Cluster label per record position ``0..n_records-1`` from ``rid_l, rid_r`` edges.

    Labels are renumbered so a cluster's label is the position of its smallest
    member: stable across runs that keep that member, and singletons keep their own.
    """
    if n_records == 0:
        return np.zeros(0, dtype=np.int64)
    left = edges["rid_l"].to_numpy(dtype=np.int64) if len(edges) else np.zeros(0, np.int64)
    right = edges["rid_r"].to_numpy(dtype=np.int64) if len(edges) else np.zeros(0, np.int64)
    graph = coo_matrix(
        (np.ones(len(left), dtype=np.int8), (left, right)), shape=(n_records, n_records)
    )
    _, labels = connected_components(graph, directed=False)
    anchors = np.full(labels.max() + 1, n_records, dtype=np.int64)
    np.minimum.at(anchors, labels, np.arange(n_records, dtype=np.int64))
    return anchors[labels]


@dataclass
class Guard:
    """What makes two records different people, whatever else they share.

    A household shares an inbox, a landline and a street; namesakes share a
    name. Two records whose first names disagree (and are not first and last
    name swapped), or whose dates of birth are both known and differ by more
    than a typo, are held to be different people: no chain of links may put
    them into one cluster.
    """

    first_keys: np.ndarray
    last_keys: np.ndarray
    dob_keys: np.ndarray
    first_name_jw: float = 0.8
    #: which conflicts count: "first_name", "date_of_birth"
    checks: tuple[str, ...] = CONFLICTS

    @classmethod
    def from_records(cls, std: pd.DataFrame, first_name_jw: float = 0.8,
                     checks: tuple[str, ...] = CONFLICTS) -> Guard:
        unknown = set(checks) - set(CONFLICTS)
        if unknown:
            raise ValueError(f"unknown cluster conflicts {sorted(unknown)}; known: {CONFLICTS}")

        def column(name: str) -> np.ndarray:
            if name not in std.columns:
                return np.full(len(std), None, dtype=object)
            values = std[name].astype(object)
            return values.where(values.notna(), None).to_numpy()

        return cls(column("first_key"), column("last_key"), column("dob_key"), first_name_jw,
                   tuple(checks))

    def conflict(self, a: int, b: int) -> str | None:
        """Why records `a` and `b` cannot be one person, or None."""
        dob_a, dob_b = self.dob_keys[a], self.dob_keys[b]
        if (dob_a and dob_b and "date_of_birth" in self.checks
                and not dates_close(dob_a, dob_b)):
            return "date_of_birth"
        if "first_name" not in self.checks:
            return None
        first_a, first_b = self.first_keys[a], self.first_keys[b]
        if first_names_agree(first_a, first_b, self.first_name_jw) == DISAGREE:
            swapped = first_a == self.last_keys[b] and first_b == self.last_keys[a]
            if not swapped:
                return "first_name"
        return None


def dates_close(a: str, b: str) -> bool:
    """ISO dates equal, day and month swapped, or at most two typed digits apart."""
    if a == b or (a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]):
        return True
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= 2


@dataclass
class GuardedClusters:
    labels: np.ndarray
    #: scored edges the guard refused: rid_l, rid_r, reason
    refused: pd.DataFrame


def guarded_cluster_labels(
    n_records: int,
    trusted: pd.DataFrame,
    scored: pd.DataFrame,
    guard: Guard,
    max_cluster_size: int = 50,
) -> GuardedClusters:
    """Clusters of `trusted` edges, grown by `scored` edges strongest first under `guard`.

    Plain connected components let one wrong link chain two people (and
    through them, whole households) together. Here each scored edge joins two
    clusters only when no member of one conflicts with a member of the other
    and the result stays under `max_cluster_size`; the edges it refuses are
    reported with the reason. Labels are renumbered as in `cluster_labels`.
    """
    start = cluster_labels(n_records, trusted)
    parent = np.arange(n_records, dtype=np.int64)
    members: dict[int, list[int]] = {}
    for rid, anchor in enumerate(start.tolist()):
        parent[rid] = anchor
        if anchor != rid:
            members.setdefault(anchor, [anchor]).append(rid)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = int(parent[root])
        while parent[x] != root:
            parent[x], x = root, int(parent[x])
        return root

    refused = []
    order = scored.sort_values("match_weight", ascending=False, kind="stable")
    for a, b in zip(order["rid_l"].tolist(), order["rid_r"].tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        group_a, group_b = members.get(ra, [ra]), members.get(rb, [rb])
        reason = None
        if len(group_a) + len(group_b) > max_cluster_size:
            reason = "cluster_size"
        else:
            reason = next((why for x in group_a for y in group_b
                           if (why := guard.conflict(x, y))), None)
        if reason:
            refused.append((a, b, reason))
            continue
        if len(group_a) < len(group_b):
            ra, rb, group_a, group_b = rb, ra, group_b, group_a
        parent[rb] = ra
        members[ra] = group_a + group_b
        members.pop(rb, None)
    roots = np.array([find(x) for x in range(n_records)], dtype=np.int64)
    anchors = np.full(n_records, n_records, dtype=np.int64)
    np.minimum.at(anchors, roots, np.arange(n_records, dtype=np.int64))
    return GuardedClusters(anchors[roots],
                           pd.DataFrame(refused, columns=["rid_l", "rid_r", "reason"]))
