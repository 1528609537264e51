import numpy as np
import pandas as pd

from identity.cluster import cluster_labels


def test_components_are_transitive_and_labelled_by_smallest_member() -> None:
    edges = pd.DataFrame({"rid_l": [0, 2, 5, 1], "rid_r": [4, 4, 6, 3]})
    labels = cluster_labels(8, edges)
    # 0-4-2 chain joins 0 and 2 though they share no edge; 7 stays alone
    assert labels.tolist() == [0, 1, 0, 1, 0, 5, 5, 7]


def test_no_edges_and_no_records() -> None:
    empty = pd.DataFrame({"rid_l": [], "rid_r": []})
    assert cluster_labels(3, empty).tolist() == [0, 1, 2]
    assert cluster_labels(0, empty).size == 0


def test_duplicate_edges_are_harmless() -> None:
    edges = pd.DataFrame({"rid_l": np.array([0, 0, 0]), "rid_r": np.array([1, 1, 1])})
    assert cluster_labels(2, edges).tolist() == [0, 0]
