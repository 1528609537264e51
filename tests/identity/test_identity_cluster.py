import numpy as np
import pandas as pd

from identity.cluster import Guard, cluster_labels, dates_close, guarded_cluster_labels


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


def _guard(first: list, dob: list | None = None, last: list | None = None) -> Guard:
    n = len(first)
    return Guard(np.array(first, dtype=object), np.array(last or [None] * n, dtype=object),
                 np.array(dob or [None] * n, dtype=object))


def _scored(*edges: tuple[int, int, float]) -> pd.DataFrame:
    return pd.DataFrame(edges, columns=["rid_l", "rid_r", "match_weight"])


NO_EDGES = pd.DataFrame({"rid_l": pd.Series(dtype=int), "rid_r": pd.Series(dtype=int)})


def test_guard_keeps_a_household_apart_even_through_a_chain() -> None:
    # John (0) ~ J. (1) ~ Jane (2): each link alone is compatible, the chain is not
    guard = _guard(["john", "j", "jane"])
    out = guarded_cluster_labels(3, NO_EDGES, _scored((0, 1, 12.0), (1, 2, 9.0)), guard)
    assert out.labels.tolist() == [0, 0, 2]
    assert out.refused.to_dict("records") == [{"rid_l": 1, "rid_r": 2, "reason": "first_name"}]


def test_strongest_links_are_placed_first() -> None:
    guard = _guard(["john", "j", "jane"])
    out = guarded_cluster_labels(3, NO_EDGES, _scored((0, 1, 2.0), (1, 2, 9.0)), guard)
    assert out.labels.tolist() == [0, 1, 1]


def test_dates_of_birth_beyond_a_typo_are_different_people() -> None:
    guard = _guard(["ann", "ann", "ann", "ann"],
                   dob=["1980-03-04", "1980-04-03", "1980-03-05", "1975-01-01"])
    out = guarded_cluster_labels(4, NO_EDGES, _scored((0, 1, 9.0), (0, 2, 8.0), (2, 3, 7.0)),
                                 guard)
    # swapped day/month and a one-digit typo stay; the 1975 record does not join
    assert out.labels.tolist() == [0, 0, 0, 3]
    assert out.refused["reason"].tolist() == ["date_of_birth"]


def test_swapped_first_and_last_names_are_not_a_conflict() -> None:
    guard = _guard(["smith", "john"], last=["john", "smith"])
    out = guarded_cluster_labels(2, NO_EDGES, _scored((0, 1, 9.0)), guard)
    assert out.labels.tolist() == [0, 0]


def test_trusted_edges_join_first_and_cluster_size_is_capped() -> None:
    trusted = pd.DataFrame({"rid_l": [0, 1], "rid_r": [1, 2]})
    guard = _guard(["ann"] * 5)
    out = guarded_cluster_labels(5, trusted, _scored((2, 3, 9.0), (3, 4, 8.0)), guard,
                                 max_cluster_size=4)
    assert out.labels.tolist() == [0, 0, 0, 0, 4]
    assert out.refused["reason"].tolist() == ["cluster_size"]


def test_dates_close() -> None:
    assert dates_close("1990-01-31", "1990-01-31")
    assert dates_close("1990-02-03", "1990-03-02")
    assert dates_close("1990-02-03", "1991-02-04")
    assert not dates_close("1990-02-03", "1985-07-03")
