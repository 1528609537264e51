"""Pairwise precision / recall of a crosswalk against ground truth.

A pair of records is predicted linked when both sit in one golden profile and
truly linked when both belong to one person. Pair counts come from group sizes
(sum of C(n, 2) per cluster, per person, per cluster-and-person), so scoring a
million-record run never enumerates pairs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

log = logging.getLogger(__name__)

#: Truth collections that are person records (the crosswalk's inputs), by file stem.
PERSON_COLLECTIONS = ("customers", "res.partner", "partners", "members", "users")


@dataclass(frozen=True)
class PairwiseScores:
    precision: float
    recall: float
    f1: float
    true_positive_pairs: int
    predicted_pairs: int
    true_pairs: int
    records: int


def _pairs(sizes: pd.Series) -> int:
    sizes = sizes.astype("int64")
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise_scores(
    crosswalk: pd.DataFrame,
    truth: pd.DataFrame,
    collections: Iterable[str] | None = PERSON_COLLECTIONS,
) -> PairwiseScores:
    """Score ``crosswalk (source, source_id, golden_id)`` against ``truth``.

    ``truth`` has ``system`` (or ``source``), ``source_id``, ``person_id`` and, when
    it lists non-person records too, ``collection`` (filtered to ``collections``).
    Only records present in both are scored.
    """
    truth = truth.rename(columns={"system": "source"})
    if collections is not None and "collection" in truth.columns:
        stem = truth["collection"].astype(str).str.rsplit("/", n=1).str[-1]
        truth = truth[stem.isin(set(collections))]
    keys = ["source", "source_id"]
    left = crosswalk[[*keys, "golden_id"]].astype({"source": str, "source_id": str})
    right = truth[[*keys, "person_id"]].astype({"source": str, "source_id": str})
    joined = left.merge(right.drop_duplicates(keys), on=keys, how="inner")
    if len(joined) < len(left):
        log.info("evaluate: %d of %d crosswalk records have no truth row",
                 len(left) - len(joined), len(left))
    tp = _pairs(joined.groupby(["golden_id", "person_id"]).size())
    predicted = _pairs(joined.groupby("golden_id").size())
    true = _pairs(joined.groupby("person_id").size())
    precision = tp / predicted if predicted else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairwiseScores(precision, recall, f1, tp, predicted, true, len(joined))
