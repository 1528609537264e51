"""Probabilistic linkage: block, compare, fit, score; the per-pair work runs in DuckDB.

Index -> Compare -> Classify, as recordlinkage designs it, with each step sized
for millions of records: blocking and comparison levels are SQL joins and
`CASE` expressions over a table of standardised match keys, the model is
fitted in Python on pattern counts (`fellegi_sunter.py`), and its weights go
back into SQL to score every candidate pair. Only pairs above the review
threshold come back to Python.
"""

from __future__ import annotations

import logging
import math
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from identity.match.blocking import (
    BlockingRule,
    candidate_pairs,
    usable_rules,
)
from identity.match.comparisons import Comparison, default_comparisons, gamma_select
from identity.match.fellegi_sunter import (
    MatchModel,
    default_m,
    em_m_probabilities,
    solve_prior,
    u_from_random_pairs,
)
from identity.match.settings import MatchSettings
from identity.timing import StageTimer

log = logging.getLogger(__name__)

#: match-key columns a blocking key may derive from (a phonetic code of the surname)
DERIVED_FROM = {"last_sound": "last_key", "first_sound": "first_key"}


@dataclass
class LinkageResult:
    """Scored pairs at or above the review threshold, the model, and what blocking did."""

    pairs: pd.DataFrame
    model: MatchModel
    blocking: pd.DataFrame
    stats: dict[str, object] = field(default_factory=dict)


def link(keys: pd.DataFrame, settings: MatchSettings | None = None) -> LinkageResult:
    """Score pairs of `keys` (one row per record: `rid` 0..n-1, `source`, match keys).

    Returned pairs have `rid_l < rid_r`, `blocked_by` (the rule that found the
    pair), one `g_<comparison>` level column per comparison, `match_weight` and
    `match_probability`.
    """
    return link_built(lambda: keys, settings)


def link_built(build_keys: Callable[[], pd.DataFrame],
               settings: MatchSettings | None = None) -> LinkageResult:
    """`link` over the match keys `build_keys()` returns, which live in Python only
    until DuckDB holds them.

    Linkage's memory then goes to DuckDB's pair work rather than to a second
    copy of a million records' keys (`identity.resolve` builds them this way).
    """
    settings = settings or MatchSettings()
    started = time.perf_counter()
    spill = tempfile.TemporaryDirectory(prefix="cdpkit-linkage-")
    # a progress bar on stdout would corrupt the CLI's and the Dagster log's output
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        # past the limit, joins and aggregations spill to disk instead of
        # growing with the candidate pairs
        con.execute(f"SET memory_limit = '{settings.memory_limit}'")
        con.execute(f"SET temp_directory = '{spill.name}'")
        population, columns, comparisons = _load_keys(con, build_keys(), settings)
        rules = usable_rules(settings.rules(), columns)
        if not comparisons or not rules:
            raise ValueError("the records have no columns to compare or block on: "
                             f"{sorted(columns)}")
        timer = StageTimer()
        blocking = timer.time("blocking", candidate_pairs, con, "records", rules,
                              settings.link_type, settings.max_block_size)
        candidates = int(con.execute("SELECT count(*) FROM candidate_pairs").fetchall()[0][0])
        sampled = timer.time("compare_sample", _training_levels, con, comparisons, rules,
                             settings.training_pairs / max(candidates, 1), settings.seed)
        model = timer.time("fit", _fit, con, population, comparisons, rules, settings,
                           candidates / max(sampled, 1))
        pairs = timer.time("compare_and_score", score_candidates, con, model,
                           settings.review_threshold)
    finally:
        con.close()
        spill.cleanup()
    stats = {"candidate_pairs": candidates, "training_pairs": sampled,
             "pairs_over_review": len(pairs), "stage_seconds": timer.seconds,
             "seconds": round(time.perf_counter() - started, 3)}
    log.info("probabilistic linkage: %s", stats)
    return LinkageResult(pairs, model, blocking, stats)


@dataclass(frozen=True)
class _Population:
    """What fitting needs of the records once their keys are in DuckDB."""

    #: per record (by rid), a code of its source
    sources: np.ndarray
    #: per term-frequency column, how many records hold a value
    tf_totals: dict[str, int]


def _load_keys(con: duckdb.DuckDBPyConnection, keys: pd.DataFrame, settings: MatchSettings,
               ) -> tuple[_Population, list[str], list[Comparison]]:
    """Table `records`: the keys with a term frequency per compared value; the keys
    frame is not kept (the caller's reference is the only one left)."""
    sources = pd.factorize(keys["source"])[0].astype(np.int32)
    if _total_pairs(sources, settings.link_type) == 0:
        names = sorted(keys["source"].dropna().unique().tolist())
        raise ValueError(f"link_type {settings.link_type!r} compares no pair of these "
                         f"records (sources: {names}); link_only needs two sources, "
                         "dedupe two records of one: use link_and_dedupe or fix the "
                         "source column")
    columns = list(keys.columns)
    comparisons = _comparisons(columns, settings)
    tf_totals = {c.term_frequency: int(keys[c.term_frequency].notna().sum())
                 for c in comparisons if c.term_frequency}
    con.register("keys_frame", keys)
    con.execute(f"""
        CREATE TABLE records AS SELECT *, {_tf_columns(comparisons)}
        FROM keys_frame ORDER BY rid""")
    con.unregister("keys_frame")
    return _Population(sources, tf_totals), columns, comparisons


def _comparisons(columns: Sequence[str], settings: MatchSettings) -> list[Comparison]:
    available = default_comparisons(columns)
    if settings.comparisons is None:
        return available
    unknown = set(settings.comparisons) - {c.name for c in available}
    if unknown:
        raise ValueError(f"comparisons {sorted(unknown)} are unknown or lack their columns")
    return [c for c in available if c.name in settings.comparisons]


def _tf_columns(comparisons: Sequence[Comparison]) -> str:
    """Per term-frequency column, how many records hold the record's value."""
    columns = sorted({c.term_frequency for c in comparisons if c.term_frequency})
    return ", ".join([f"count({c}) OVER (PARTITION BY {c}) AS tf_{c}" for c in columns]
                     or ["NULL AS tf_none"])


def _rule_sql(rule: BlockingRule) -> str:
    return " AND ".join(f"coalesce(l.{k} = r.{k}, false)" for k in rule.keys)


def _training_levels(
    con: duckdb.DuckDBPyConnection, comparisons: Sequence[Comparison],
    rules: Sequence[BlockingRule], share: float, seed: int,
) -> int:
    """Table `training_levels`: the levels of a uniform sample of the candidate pairs,
    and which rules each satisfies (`share` of them, all at 1 or more); returns
    the sample's size.

    EM needs pattern counts, not every pair: past a couple of million pairs
    the estimates stop moving, while comparing costs the same per pair. So
    the model is fitted on a sample and only the scoring pass sees every pair,
    streaming, without a table of all pairs' levels.
    """
    flags = ",\n       ".join(f"{_rule_sql(rule)} AS t{i}" for i, rule in enumerate(rules))
    # a hash of the pair, not a reservoir: one parallel filtering scan, and the
    # same pairs on every run with the same seed
    sample = ("true" if share >= 1 else
              f"hash(p.rid_l, p.rid_r, {int(seed)}) % 1000000 < {int(share * 1_000_000)}")
    con.execute(f"""
        CREATE TEMP TABLE training_levels AS
        SELECT {gamma_select(comparisons)},
               {flags}
        FROM candidate_pairs p
        JOIN records l ON l.rid = p.rid_l
        JOIN records r ON r.rid = p.rid_r
        WHERE {sample}""")
    return int(con.execute("SELECT count(*) FROM training_levels").fetchall()[0][0])


def _patterns(con: duckdb.DuckDBPyConnection, comparisons: Sequence[Comparison],
              table: str, where: str = "true") -> pd.DataFrame:
    gammas = ", ".join(c.gamma for c in comparisons)
    return con.execute(
        f"SELECT {gammas}, count(*) AS n FROM {table} WHERE {where} GROUP BY ALL"
    ).df()


def _random_pairs(sources: np.ndarray, settings: MatchSettings) -> pd.DataFrame:
    """Random record pairs that the link type would compare (nearly all non-matches)."""
    rng = np.random.default_rng(settings.seed)
    n = len(sources)
    # past ~50 pairs per record, more random pairs sharpen no u that matters
    # and never more draws than distinct pairs, so a small table's few pairs do not
    # outweigh what `default_u` knows about random pairs
    wanted = min(settings.u_sample_pairs, max(100_000, 50 * n),
                 _total_pairs(sources, settings.link_type))
    draws = wanted * 2
    left, right = rng.integers(0, n, draws), rng.integers(0, n, draws)
    keep = left != right
    if settings.link_type != "link_and_dedupe":
        same = sources[left] == sources[right]
        keep &= same if settings.link_type == "dedupe" else ~same
    left, right = left[keep][:wanted], right[keep][:wanted]
    return pd.DataFrame({"rid_l": np.minimum(left, right), "rid_r": np.maximum(left, right)})


def _fit(con: duckdb.DuckDBPyConnection, population: _Population,
         comparisons: Sequence[Comparison], rules: Sequence[BlockingRule],
         settings: MatchSettings, scale: float) -> MatchModel:
    """m by EM per blocking rule, u from random pairs, the prior from the candidates.

    `scale` is candidate pairs per training pair: the sample's pattern counts
    times `scale` estimate the candidates' own.
    """
    con.register("random_frame", _random_pairs(population.sources, settings))
    sample = con.execute(f"""
        SELECT {gamma_select(comparisons)}
        FROM random_frame p JOIN records l ON l.rid = p.rid_l JOIN records r ON r.rid = p.rid_r
    """).df()
    con.unregister("random_frame")
    u = u_from_random_pairs(comparisons, {c.name: sample[c.gamma].value_counts()
                                          for c in comparisons})
    estimates: dict[str, list[dict[int, float]]] = {c.name: [] for c in comparisons}
    per_rule = {}
    for i, rule in enumerate(rules):
        blocked = {DERIVED_FROM.get(k, k) for k in rule.keys}
        free = [c for c in comparisons if not blocked & set(c.columns)]
        patterns = _patterns(con, comparisons, "training_levels", f"t{i}")
        if patterns.empty or not free:
            continue
        m, share, iterations = em_m_probabilities(
            patterns, free, u, {c.name: default_m(c) for c in free})
        for c in free:
            estimates[c.name].append(m[c.name])
        per_rule[rule.name] = {"pairs": int(patterns["n"].sum()), "match_share": round(share, 4),
                               "iterations": iterations}
    m = {c.name: _mean(estimates[c.name]) or default_m(c) for c in comparisons}
    patterns = _patterns(con, comparisons, "training_levels")
    patterns["n"] = patterns["n"] * scale
    prior = solve_prior(patterns, comparisons, m, u,
                        _total_pairs(population.sources, settings.link_type))
    return MatchModel(list(comparisons), m, u, prior, dict(population.tf_totals),
                      {"rules": per_rule, "random_pairs": len(sample)})


def _mean(estimates: list[dict[int, float]]) -> dict[int, float] | None:
    if not estimates:
        return None
    return {level: float(np.mean([e[level] for e in estimates])) for level in estimates[0]}


def _total_pairs(sources: np.ndarray, link_type: str) -> int:
    """Pairs the link type compares among records of these source codes."""
    n = len(sources)
    sizes = np.bincount(sources[sources >= 0]).astype(np.int64)
    within = int((sizes * (sizes - 1) // 2).sum())
    everything = n * (n - 1) // 2
    return {"dedupe": within, "link_only": everything - within,
            "link_and_dedupe": everything}[link_type]


def score_candidates(con: duckdb.DuckDBPyConnection, model: MatchModel, review: float,
                     pairs_table: str = "candidate_pairs",
                     records_table: str = "records") -> pd.DataFrame:
    """Every candidate pair's levels and weight in one streaming pass; the pairs at or
    above the review threshold come back.

    `pairs_table` holds `rid_l, rid_r, blocked_by`; `records_table` the match
    keys by `rid` with a `tf_<column>` frequency per term-frequency column.
    A million pairs come back compact: levels as int8, and the term
    frequencies stay in SQL, where the weights use them.
    """
    weights = " + ".join(model.weight_sql(c) for c in model.comparisons)
    gammas = ", ".join(f"{c.gamma}::TINYINT AS {c.gamma}" for c in model.comparisons)
    floor = math.log2(review / (1 - review))
    pairs = con.execute(f"""
        SELECT * FROM (
            SELECT rid_l, rid_r, blocked_by, {gammas},
                   {model.prior_weight!r} + {weights} AS match_weight
            FROM (
                SELECT p.rid_l::BIGINT AS rid_l, p.rid_r::BIGINT AS rid_r, p.blocked_by,
                       {gamma_select(model.comparisons, with_tf=True)}
                FROM {pairs_table} p
                JOIN {records_table} l ON l.rid = p.rid_l
                JOIN {records_table} r ON r.rid = p.rid_r))
        WHERE match_weight >= {floor!r}
        ORDER BY rid_l, rid_r""").df()
    pairs["match_probability"] = 1 / (1 + np.exp2(-pairs["match_weight"].to_numpy()))
    return pairs


__all__ = ["LinkageResult", "link", "link_built", "score_candidates"]
