"""Clusters: connected components over accepted match edges.

Deterministic rules are trusted links, so any chain of them is one person.
scipy's sparse connected components runs in linear time on millions of records.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


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
