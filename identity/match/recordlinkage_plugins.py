"""cdpkit's blocking and comparison levels as recordlinkage Index and Compare plug-ins.

recordlinkage's own Block and string features compare pairs in Python and
produce yes/no or raw-similarity features; these plug-ins run the same SQL
as `identity.match.linker` (DuckDB hash joins for blocking, `CASE` levels for
comparing), so a recordlinkage workflow (`Index` -> `Compare` -> a classifier
of its own choice) gets cdpkit's speed and graded levels:

    indexer = recordlinkage.Index()
    indexer.add(SqlBlocking())
    pairs = indexer.index(keys_a, keys_b)
    compare = recordlinkage.Compare()
    for comparison in default_comparisons(keys_a.columns):
        compare.add(LevelCompare(comparison))
    features = compare.compute(pairs, keys_a, keys_b)

Both take match-key frames (`identity.match.keys.match_keys` of standardised
records), indexed however the caller likes.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd
from recordlinkage.base import BaseCompareFeature, BaseIndexAlgorithm

from identity.match.blocking import block_on, candidate_pairs, usable_rules
from identity.match.comparisons import Comparison
from identity.match.settings import DEFAULT_BLOCKING


class SqlBlocking(BaseIndexAlgorithm):
    """Multi-pass blocking (`identity.match.blocking`) as a recordlinkage indexer."""

    def __init__(self, rules: Sequence[Sequence[str]] = DEFAULT_BLOCKING,
                 max_block_size: int = 100, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.rules = [tuple(rule) for rule in rules]
        self.max_block_size = max_block_size

    def _link_index(self, df_a: pd.DataFrame, df_b: pd.DataFrame) -> pd.MultiIndex:
        both = pd.concat([df_a.assign(source="a"), df_b.assign(source="b")], ignore_index=True)
        left, right = self._pairs(both, "link_only")
        # left positions < right positions: every left one is in df_a
        return pd.MultiIndex.from_arrays(
            [df_a.index[left], df_b.index[right - len(df_a)]],
            names=[df_a.index.name, df_b.index.name])

    def _dedup_index(self, df_a: pd.DataFrame) -> pd.MultiIndex:
        left, right = self._pairs(df_a.assign(source="a").reset_index(drop=True), "dedupe")
        # recordlinkage's own deduplication indexers put the later record first
        return pd.MultiIndex.from_arrays([df_a.index[right], df_a.index[left]],
                                         names=[df_a.index.name, df_a.index.name])

    def _pairs(self, records: pd.DataFrame, link_type: str) -> tuple[np.ndarray, np.ndarray]:
        records = records.drop(columns=["rid"], errors="ignore")
        records.insert(0, "rid", np.arange(len(records)))
        rules = usable_rules([block_on(*r) for r in self.rules], records.columns)
        if not rules:
            raise ValueError(f"no blocking rule fits the columns {sorted(records.columns)}")
        con = duckdb.connect()
        try:
            con.register("records", records)
            candidate_pairs(con, "records", rules, link_type, self.max_block_size)
            pairs = con.sql("SELECT rid_l, rid_r FROM candidate_pairs ORDER BY ALL").df()
        finally:
            con.close()
        return pairs["rid_l"].to_numpy(np.int64), pairs["rid_r"].to_numpy(np.int64)


class LevelCompare(BaseCompareFeature):
    """One comparison's graded level (-1 missing, 0 different, higher is closer) per pair."""

    def __init__(self, comparison: Comparison, label: str | None = None) -> None:
        self.comparison = comparison
        self.needed = list(dict.fromkeys([*comparison.columns, *comparison.uses]))
        super().__init__(self.needed, self.needed, label=label or comparison.name)

    def _compute_vectorized(self, *columns: pd.Series) -> np.ndarray:
        n = len(self.needed)
        left = pd.DataFrame({c: _text(v) for c, v in zip(self.needed, columns[:n], strict=True)})
        right = pd.DataFrame({c: _text(v) for c, v in zip(self.needed, columns[n:], strict=True)})
        left.insert(0, "pair", np.arange(len(left)))
        right.insert(0, "pair", np.arange(len(right)))
        con = duckdb.connect()
        try:
            con.register("l_frame", left)
            con.register("r_frame", right)
            levels = con.sql(f"""
                SELECT {self.comparison.case_sql()} AS level
                FROM l_frame l JOIN r_frame r USING (pair) ORDER BY pair""").df()
        finally:
            con.close()
        return levels["level"].to_numpy(np.int8)


def _text(values: pd.Series) -> np.ndarray:
    """Strings or None, so DuckDB sees VARCHAR with NULLs whatever pandas inferred."""
    out = values.astype(object).to_numpy()
    return np.array([v if isinstance(v, str) and v != "" else None for v in out], dtype=object)
