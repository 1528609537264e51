"""Clusters: connected components over trusted links, grown by scored links under a guard.

Deterministic rules are trusted links (each already passed the household guard),
so any chain of them is one person; scipy's sparse connected components runs in
linear time on millions of records. Probabilistic links are weaker evidence and
are added strongest first, each only if the two clusters it joins hold no pair
of records the guard calls different people.
"""

from __future__ import annotations

from collections.abc import Callable
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
    #: record pairs (smaller position first) a steward declared different people
    cannot_link: frozenset[tuple[int, int]] = frozenset()

    def forbidden(self, a: int, b: int) -> str | None:
        """"cannot_link" when a steward declared `a` and `b` different people."""
        return "cannot_link" if (min(a, b), max(a, b)) in self.cannot_link else None

    @classmethod
    def from_records(cls, std: pd.DataFrame, first_name_jw: float = 0.8,
                     checks: tuple[str, ...] = CONFLICTS,
                     cannot_link: frozenset[tuple[int, int]] = frozenset()) -> Guard:
        unknown = set(checks) - set(CONFLICTS)
        if unknown:
            raise ValueError(f"unknown cluster conflicts {sorted(unknown)}; known: {CONFLICTS}")

        def column(name: str) -> np.ndarray:
            if name not in std.columns:
                return np.full(len(std), None, dtype=object)
            values = std[name].astype(object)
            return values.where(values.notna(), None).to_numpy()

        return cls(column("first_key"), column("last_key"), column("dob_key"), first_name_jw,
                   tuple(checks), cannot_link)

    def conflict(self, a: int, b: int) -> str | None:
        """Why records `a` and `b` cannot be one person, or None."""
        if self.cannot_link and (why := self.forbidden(a, b)):
            return why
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
    reported with the reason. Trusted edges (rules, a steward's must-links)
    yield only to a steward's cannot-link. Labels are renumbered as in
    `cluster_labels`.
    """
    clusters = _UnionFind(n_records)
    refused: list[tuple[int, int, str]] = []
    if guard.cannot_link:
        clusters.join_all(trusted, lambda x, y: guard.forbidden(x, y), None, refused)
    else:  # nothing can refuse a trusted edge: components in linear time
        clusters.start_from(cluster_labels(n_records, trusted))
    order = scored.sort_values("match_weight", ascending=False, kind="stable")
    clusters.join_all(order, guard.conflict, max_cluster_size, refused)
    return GuardedClusters(clusters.labels(),
                           pd.DataFrame(refused, columns=["rid_l", "rid_r", "reason"]))


class _UnionFind:
    """Disjoint sets of record positions that keep their members, for the guard's checks."""

    def __init__(self, n: int) -> None:
        self.parent = np.arange(n, dtype=np.int64)
        self.members: dict[int, list[int]] = {}

    def start_from(self, anchors: np.ndarray) -> None:
        for rid, anchor in enumerate(anchors.tolist()):
            self.parent[rid] = anchor
            if anchor != rid:
                self.members.setdefault(anchor, [anchor]).append(rid)

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = int(parent[root])
        while parent[x] != root:
            parent[x], x = root, int(parent[x])
        return root

    def join_all(self, edges: pd.DataFrame, conflict: Callable[[int, int], str | None],
                 max_size: int | None, refused: list[tuple[int, int, str]]) -> None:
        """Join each edge's clusters in order unless a member pair conflicts."""
        for a, b in zip(edges["rid_l"].tolist(), edges["rid_r"].tolist(), strict=True):
            ra, rb = self.find(a), self.find(b)
            if ra == rb:
                continue
            group_a, group_b = self.members.get(ra, [ra]), self.members.get(rb, [rb])
            if max_size is not None and len(group_a) + len(group_b) > max_size:
                reason: str | None = "cluster_size"
            else:
                reason = next((why for x in group_a for y in group_b
                               if (why := conflict(x, y))), None)
            if reason:
                refused.append((a, b, reason))
                continue
            if len(group_a) < len(group_b):
                ra, rb, group_a, group_b = rb, ra, group_b, group_a
            self.parent[rb] = ra
            self.members[ra] = group_a + group_b
            self.members.pop(rb, None)

    def labels(self) -> np.ndarray:
        n = len(self.parent)
        roots = np.array([self.find(x) for x in range(n)], dtype=np.int64)
        anchors = np.full(n, n, dtype=np.int64)
        np.minimum.at(anchors, roots, np.arange(n, dtype=np.int64))
        return anchors[roots]
