"""The Fellegi-Sunter model: estimates recovered from pairs simulated from a known model."""

from __future__ import annotations

import itertools
import math

import duckdb
import numpy as np
import pandas as pd
import pytest

from identity.match.comparisons import Comparison, Level, email, first_name, place
from identity.match.fellegi_sunter import (
    EPSILON,
    TF_PRIOR_RECORDS,
    U_PRIOR_PAIRS,
    MatchModel,
    default_m,
    default_u,
    em_m_probabilities,
    solve_prior,
    u_from_random_pairs,
)


def comparison(name: str, levels: int) -> Comparison:
    return Comparison(name, (name,), tuple(Level(f"level {i}", "true") for i in range(levels)))


#: levels 0..2, 0..3 and 0..3
COMPARISONS = [comparison("a", 2), comparison("b", 3), comparison("c", 3)]
TRUE_M = {
    "a": {2: 0.85, 1: 0.10, 0: 0.05},
    "b": {3: 0.70, 2: 0.15, 1: 0.10, 0: 0.05},
    "c": {3: 0.60, 2: 0.25, 1: 0.10, 0: 0.05},
}
TRUE_U = {
    "a": {2: 0.02, 1: 0.08, 0: 0.90},
    "b": {3: 0.01, 2: 0.04, 1: 0.15, 0: 0.80},
    "c": {3: 0.05, 2: 0.10, 1: 0.25, 0: 0.60},
}


def simulate(rng: np.random.Generator, probabilities: dict[str, dict[int, float]], pairs: int,
             missing: dict[str, float] | None = None) -> pd.DataFrame:
    """Pattern counts of `pairs` pairs whose levels are independent draws per comparison;
    `missing` gives a comparison's share of pairs lacking the field (level -1)."""
    missing = missing or {}
    per_comparison = []
    for c in COMPARISONS:
        p = {level: share * (1 - missing.get(c.name, 0.0))
             for level, share in probabilities[c.name].items()}
        if c.name in missing:
            p[-1] = missing[c.name]
        per_comparison.append(p)
    patterns = list(itertools.product(*(sorted(p) for p in per_comparison)))
    shares = [math.prod(p[level] for p, level in zip(per_comparison, pattern, strict=True))
              for pattern in patterns]
    counts = rng.multinomial(pairs, np.array(shares) / sum(shares))
    frame = pd.DataFrame(patterns, columns=[c.gamma for c in COMPARISONS])
    frame["n"] = counts
    return frame[frame["n"] > 0].reset_index(drop=True)


def combine(*frames: pd.DataFrame) -> pd.DataFrame:
    gammas = [c.gamma for c in COMPARISONS]
    return pd.concat(frames).groupby(gammas, as_index=False)["n"].sum()


def test_em_recovers_m_and_the_match_share_with_u_fixed():
    rng = np.random.default_rng(20240601)
    total = 200_000
    matches = int(rng.binomial(total, 0.3))
    missing = {"c": 0.1}
    patterns = combine(simulate(rng, TRUE_M, matches, missing),
                       simulate(rng, TRUE_U, total - matches, missing))
    assert patterns["n"].sum() == total
    m, share, iterations = em_m_probabilities(
        patterns, COMPARISONS, TRUE_U, {c.name: default_m(c) for c in COMPARISONS})
    assert share == pytest.approx(0.3, abs=0.02)
    assert 1 <= iterations < 100, "converged before the iteration cap"
    for c in COMPARISONS:
        assert set(m[c.name]) == set(TRUE_M[c.name]), "no m for the missing level"
        assert sum(m[c.name].values()) == pytest.approx(1)
        for level, value in TRUE_M[c.name].items():
            assert m[c.name][level] == pytest.approx(value, abs=0.02), (c.name, level)


def test_em_on_a_subset_of_comparisons_ignores_the_other_gamma_columns():
    rng = np.random.default_rng(3)
    patterns = combine(simulate(rng, TRUE_M, 30_000), simulate(rng, TRUE_U, 70_000))
    free = COMPARISONS[1:]
    m, share, _ = em_m_probabilities(patterns, free, TRUE_U, {c.name: default_m(c) for c in free})
    assert set(m) == {"b", "c"}
    assert share == pytest.approx(0.3, abs=0.03)
    for c in free:
        for level, value in TRUE_M[c.name].items():
            assert m[c.name][level] == pytest.approx(value, abs=0.03)


def test_em_keeps_probabilities_off_zero_and_stops_at_the_iteration_cap():
    patterns = pd.DataFrame({"g_a": [2, 0], "g_b": [3, 0], "g_c": [3, 0], "n": [500, 500]})
    m, share, iterations = em_m_probabilities(
        patterns, COMPARISONS, TRUE_U, {c.name: default_m(c) for c in COMPARISONS},
        iterations=3)
    assert iterations == 3
    assert 0 < share < 1
    assert all(EPSILON <= value <= 1 - EPSILON for c in COMPARISONS for value in m[c.name].values())
    assert 0 < m["a"][1] < 0.1, "a level no pair reached is rare, not impossible"
    for c in COMPARISONS:
        assert sum(m[c.name].values()) == pytest.approx(1)


def test_em_on_a_handful_of_pairs_stays_near_the_default_m():
    patterns = pd.DataFrame({"g_a": [0], "g_b": [0], "g_c": [0], "n": [3]})
    m, _, _ = em_m_probabilities(
        patterns, COMPARISONS, TRUE_U, {c.name: default_m(c) for c in COMPARISONS})
    for c in COMPARISONS:
        best = len(c.levels)
        assert m[c.name][best] > m[c.name][0], "three pairs cannot outvote the default"


@pytest.mark.parametrize("levels", [1, 2, 3, 6])
def test_default_m_and_u_are_distributions_over_the_non_null_levels(levels):
    c = comparison("x", levels)
    for guess in (default_m(c), default_u(c)):
        assert set(guess) == set(range(levels + 1))
        assert sum(guess.values()) == pytest.approx(1)
        assert all(0 < value < 1 for value in guess.values())
    m, u = default_m(c), default_u(c)
    assert max(m, key=m.get) == levels, "a match mostly reaches the best level"
    assert max(u, key=u.get) == 0, "two random records mostly reach none"


def test_solve_prior_recovers_the_prior_when_pairs_outside_the_candidates_are_non_matches():
    rng = np.random.default_rng(99)
    total_pairs, prior = 10_000_000, 0.001
    matches = simulate(rng, TRUE_M, round(total_pairs * prior))
    non_matches = simulate(rng, TRUE_U, total_pairs - round(total_pairs * prior))
    # blocking keeps every match and each non-match agreeing on something;
    # the rest (different on every field) stay outside the candidates
    outside = (non_matches[[c.gamma for c in COMPARISONS]] == 0).all(axis=1)
    assert non_matches.loc[outside, "n"].sum() > total_pairs / 3
    candidates = combine(matches, non_matches[~outside])
    estimate = solve_prior(candidates, COMPARISONS, TRUE_M, TRUE_U, total_pairs)
    assert estimate == pytest.approx(prior, rel=0.03)


def test_solve_prior_with_every_pair_a_candidate_is_the_match_share():
    rng = np.random.default_rng(5)
    patterns = combine(simulate(rng, TRUE_M, 20_000), simulate(rng, TRUE_U, 180_000))
    estimate = solve_prior(patterns, COMPARISONS, TRUE_M, TRUE_U, 200_000)
    assert estimate == pytest.approx(0.1, abs=0.01)


def test_solve_prior_is_capped_at_one_half():
    patterns = pd.DataFrame({"g_a": [2], "g_b": [3], "g_c": [3], "n": [1000]})
    assert solve_prior(patterns, COMPARISONS, TRUE_M, TRUE_U, 1000) == 0.5


def test_u_from_random_pairs_is_smoothed_over_the_non_null_levels():
    comparisons = [comparison("a", 2), comparison("b", 1)]
    counts = {"a": pd.Series({0: 90, 1: 10, -1: 50}), "b": pd.Series(dtype="int64")}
    u = u_from_random_pairs(comparisons, counts)
    assert set(u["a"]) == {0, 1, 2}, "no u for the missing level"
    assert u["a"][2] > 0, "a level never seen is rare, not impossible"
    assert u["a"][0] > u["a"][1] > u["a"][2]
    assert u["b"] == pytest.approx(default_u(comparisons[1])), "no pairs: the default"
    for values in u.values():
        assert sum(values.values()) == pytest.approx(1)
    prior = default_u(comparisons[0])
    assert u["a"] == pytest.approx(
        {level: (seen + U_PRIOR_PAIRS * prior[level]) / (100 + U_PRIOR_PAIRS)
         for level, seen in {0: 90, 1: 10, 2: 0}.items()})


def test_u_from_many_random_pairs_is_their_level_shares():
    levels = pd.Series([0] * 970_000 + [1] * 20_000 + [2] * 10_000 + [-1] * 300_000)
    u = u_from_random_pairs([comparison("a", 2)], {"a": levels.value_counts()})
    assert u["a"] == pytest.approx({0: 0.97, 1: 0.02, 2: 0.01}, rel=0.01)


def model() -> MatchModel:
    return MatchModel(COMPARISONS, TRUE_M, TRUE_U, prior=0.01)


def test_weight_is_log2_m_over_u_and_zero_for_a_missing_field():
    fitted = model()
    assert fitted.weight("a", 2) == pytest.approx(math.log2(0.85 / 0.02))
    assert fitted.weight("b", 0) == pytest.approx(math.log2(0.05 / 0.80))
    assert fitted.weight("c", -1) == 0.0
    assert fitted.prior_weight == pytest.approx(math.log2(0.01 / 0.99))


def test_weights_table_has_a_row_per_non_null_level():
    table = model().weights_table()
    assert table.columns.tolist() == ["comparison", "level", "label", "m", "u", "match_weight"]
    assert len(table) == 3 + 4 + 4
    assert -1 not in table["level"].tolist()
    row = table[(table["comparison"] == "b") & (table["level"] == 3)].iloc[0]
    assert (row["label"], row["m"], row["u"]) == ("level 0", 0.70, 0.01)
    assert row["match_weight"] == pytest.approx(math.log2(70))
    assert table.loc[table["level"] == 0, "label"].eq("different").all()


def test_score_patterns_is_the_prior_weight_plus_each_level_weight():
    fitted = model()
    patterns = pd.DataFrame({"g_a": [2, 0, -1, 1], "g_b": [3, 0, -1, 2], "g_c": [3, 0, -1, -1]})
    scores = fitted.score_patterns(patterns)
    expected = [fitted.prior_weight + sum(fitted.weight(c.name, row[c.gamma]) for c in COMPARISONS)
                for _, row in patterns.iterrows()]
    assert scores == pytest.approx(expected)
    assert scores[2] == pytest.approx(fitted.prior_weight)
    assert scores[0] > 0 > scores[1]


def tf_model(records: int = 10_000) -> MatchModel:
    comparisons = [first_name(), email(), place()]
    m = {c.name: default_m(c) for c in comparisons}
    u = {c.name: {level: 1 / (len(c.levels) + 1) for level in range(len(c.levels) + 1)}
         for c in comparisons}
    return MatchModel(comparisons, m, u, prior=0.001,
                      tf_totals={"first_key": records, "postcode_key": records // 2})


def weights_in_duckdb(fitted: MatchModel, rows: pd.DataFrame) -> pd.DataFrame:
    select = ", ".join(f"{fitted.weight_sql(c)} AS w_{c.name}" for c in fitted.comparisons)
    total = " + ".join(fitted.weight_sql(c) for c in fitted.comparisons)
    con = duckdb.connect()
    try:
        con.register("pairs", rows)
        return con.execute(
            f"SELECT {select}, {fitted.prior_weight!r} + {total} AS match_weight FROM pairs").df()
    finally:
        con.close()


def test_weight_sql_gives_the_model_weights_without_term_frequencies():
    fitted = tf_model()
    rows = pd.DataFrame({
        "g_first_name": [6, 5, 4, 3, 2, 1, 0, -1],
        "tf_first_name": [None] * 8,
        "g_email": [2, 1, 0, -1, 2, 1, 0, -1],
        "g_place": [5, 4, 3, 2, 1, 0, -1, 5],
        "tf_place": [None] * 8,
    }).astype({"tf_first_name": float, "tf_place": float})
    got = weights_in_duckdb(fitted, rows)
    for c in fitted.comparisons:
        assert got[f"w_{c.name}"].tolist() == pytest.approx(
            [fitted.weight(c.name, level) for level in rows[c.gamma]])
    assert got["match_weight"].to_numpy() == pytest.approx(fitted.score_patterns(rows))


def tf_weight(fitted: MatchModel, name: str, level: int, count: float, total: int) -> float:
    """log2(m) - log2(the value's share of records, pulled toward the level's u)."""
    share = (count + TF_PRIOR_RECORDS * fitted.u[name][level]) / (total + TF_PRIOR_RECORDS)
    return math.log2(fitted.m[name][level]) - math.log2(share)


def test_weight_sql_replaces_u_by_the_term_frequency_at_same_value_levels():
    fitted = tf_model()
    rows = pd.DataFrame({
        "g_first_name": [6, 5, 6, 4, 3, 0, -1],
        "tf_first_name": [100, 2500, None, 50, 50, 50, 50],
        "g_email": [-1] * 7,
        "g_place": [5, 5, 5, 4, 5, -1, 3],
        "tf_place": [5, None, 500, 100, None, 100, 100],
    })
    got = weights_in_duckdb(fitted, rows)
    assert got["w_first_name"].tolist() == pytest.approx([
        tf_weight(fitted, "first_name", 6, 100, 10_000),
        tf_weight(fitted, "first_name", 5, 2500, 10_000),
        fitted.weight("first_name", 6),
        fitted.weight("first_name", 4),
        fitted.weight("first_name", 3),
        fitted.weight("first_name", 0),
        0.0,
    ])
    assert got["w_place"].tolist() == pytest.approx([
        tf_weight(fitted, "place", 5, 5, 5_000),
        fitted.weight("place", 5),
        tf_weight(fitted, "place", 5, 500, 5_000),
        fitted.weight("place", 4),
        fitted.weight("place", 5),
        0.0,
        fitted.weight("place", 3),
    ])
    assert got["w_email"].tolist() == [0.0] * 7
    assert got["match_weight"].tolist() == pytest.approx(
        (fitted.prior_weight + got["w_first_name"] + got["w_place"]).tolist())


def test_with_many_records_the_tf_weight_is_log2_m_minus_log2_the_value_share():
    fitted = tf_model(records=10**9)
    rows = pd.DataFrame({"g_first_name": [6, 5], "tf_first_name": [10**7, 2 * 10**8],
                         "g_email": [2, 2], "g_place": [-1, -1], "tf_place": [None, None]})
    got = weights_in_duckdb(fitted, rows.astype({"tf_place": float}))
    m = fitted.m["first_name"]
    assert got["w_first_name"].tolist() == pytest.approx(
        [math.log2(m[6]) - math.log2(0.01), math.log2(m[5]) - math.log2(0.2)], abs=1e-4)
    assert got["w_email"].tolist() == pytest.approx([fitted.weight("email", 2)] * 2)


def test_a_rarer_shared_value_weighs_more():
    fitted = tf_model()
    rows = pd.DataFrame({"g_first_name": [6, 6, 6], "tf_first_name": [3000, 300, 1],
                         "g_email": [-1] * 3, "g_place": [-1] * 3, "tf_place": [None] * 3})
    common, middling, rare = weights_in_duckdb(
        fitted, rows.astype({"tf_place": float}))["w_first_name"]
    assert rare > middling > common
