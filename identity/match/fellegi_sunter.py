"""The Fellegi-Sunter model: per comparison level, P(level | match) and P(level | non-match).

A pair's match weight is the prior log-odds plus, per field, log2(m / u) of the
level it reached; the match probability is that weight back through the
logistic. Every number is a probability someone can read ("an exact surname is
900 times likelier for a true match than for two random people"), which is what
the evidence behind a merge shows.

Estimation follows the design that makes this precise on blocked data:
- u comes from random pairs (almost all non-matches), so it needs no labels;
- m comes from expectation-maximisation over the patterns of each training
  blocking rule, leaving out the comparisons that rule blocks on (inside a
  "same date of birth" block, agreeing on it says nothing);
- the prior, the chance that two random records match, is solved from the
  candidate pairs with m and u fixed.
All three run on pattern counts (one row per distinct vector of levels, a few
thousand rows for millions of pairs), so fitting costs milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from identity.match.comparisons import ELSE_LEVEL, NULL_LEVEL, Comparison

#: probabilities are kept off 0 and 1 so every weight is finite
EPSILON = 1e-6


@dataclass
class MatchModel:
    """Fitted m, u and prior; scores any vector of comparison levels."""

    comparisons: list[Comparison]
    m: dict[str, dict[int, float]]
    u: dict[str, dict[int, float]]
    prior: float
    #: records holding a value, per term-frequency column (the frequencies' denominators)
    tf_totals: dict[str, int] = field(default_factory=dict)
    #: how each estimate was reached, for the report
    training: dict[str, object] = field(default_factory=dict)

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    def weight(self, comparison: str, level: int) -> float:
        """log2(m / u) of one level; a missing field is no evidence (0)."""
        if level == NULL_LEVEL:
            return 0.0
        return math.log2(self.m[comparison][level] / self.u[comparison][level])

    def to_dict(self) -> dict[str, object]:
        """Plain data (JSON-able) from which `from_dict` rebuilds the model, so an
        incremental run scores new records with the weights the last full run fitted."""
        return {"comparisons": [c.name for c in self.comparisons],
                "m": {name: {str(k): v for k, v in levels.items()}
                      for name, levels in self.m.items()},
                "u": {name: {str(k): v for k, v in levels.items()}
                      for name, levels in self.u.items()},
                "prior": self.prior, "tf_totals": dict(self.tf_totals)}

    @classmethod
    def from_dict(cls, data: dict, available: Sequence[Comparison]) -> MatchModel:
        """The model `to_dict` saved; `available` are the comparisons the records allow."""
        by_name = {c.name: c for c in available}
        missing = [name for name in data["comparisons"] if name not in by_name]
        if missing:
            raise ValueError(f"the saved model compares {missing}, which these records "
                             "lack: run a full resolution")

        def levels(table: dict) -> dict[str, dict[int, float]]:
            return {name: {int(k): float(v) for k, v in values.items()}
                    for name, values in table.items()}

        return cls([by_name[name] for name in data["comparisons"]], levels(data["m"]),
                   levels(data["u"]), float(data["prior"]),
                   {k: int(v) for k, v in data.get("tf_totals", {}).items()})

    def weights_table(self) -> pd.DataFrame:
        rows = [
            {"comparison": c.name, "level": level, "label": c.label(level),
             "m": self.m[c.name][level], "u": self.u[c.name][level],
             "match_weight": self.weight(c.name, level)}
            for c in self.comparisons for level in c.level_numbers() if level != NULL_LEVEL
        ]
        return pd.DataFrame(rows)

    def score_patterns(self, patterns: pd.DataFrame) -> np.ndarray:
        """Match weights of rows holding each comparison's `gamma` column."""
        total = np.full(len(patterns), self.prior_weight)
        for c in self.comparisons:
            lookup = {level: self.weight(c.name, level) for level in c.level_numbers()}
            total += patterns[c.gamma].map(lookup).to_numpy(dtype=float)
        return total

    def weight_sql(self, comparison: Comparison) -> str:
        """`CASE` mapping a pair's level of `comparison` to its weight.

        With a term frequency, a same-value level's u is the shared value's own
        frequency (Splink's term-frequency adjustment), so a common surname
        counts for less than a rare one. `tf_<name>` holds the value's record
        count; `TF_PRIOR_RECORDS` pull it toward the level's u, so a value seen
        once among five records is not taken for a one-in-five name.
        """
        c = comparison
        tf = ""
        if c.term_frequency:
            total = self.tf_totals.get(c.term_frequency, 0) + TF_PRIOR_RECORDS
            tf = " ".join(
                f"WHEN {c.gamma} = {level} AND {c.tf} IS NOT NULL "
                f"THEN {math.log2(self.m[c.name][level])!r} - log2(({c.tf} + "
                f"{TF_PRIOR_RECORDS * self.u[c.name][level]!r}) / {total!r})"
                for level in c.same_value_levels()) + " "
        whens = " ".join(
            f"WHEN {c.gamma} = {level} THEN {self.weight(c.name, level)!r}"
            for level in c.level_numbers() if level != NULL_LEVEL
        )
        return f"CASE {tf}{whens} ELSE 0.0 END"


#: random-pair equivalents that pull u toward `default_u`: noise for a million
#: sampled pairs, the whole estimate for a table of five records
U_PRIOR_PAIRS = 1000.0
#: match equivalents that pull m toward `default_m` in every EM step, for the same
#: reason: a handful of candidate pairs cannot say what a true match looks like
M_PRIOR_PAIRS = 20.0
#: record equivalents that pull a term frequency toward the level's u
TF_PRIOR_RECORDS = 100.0


def default_m(comparison: Comparison) -> dict[int, float]:
    """What a true match usually looks like before the data says otherwise: mostly the
    best level, sometimes a lesser one, rarely none; also EM's starting point."""
    best = len(comparison.levels)
    middle = list(range(1, best))
    guess = {best: 0.7 if middle else 0.95, ELSE_LEVEL: 0.05}
    for level in middle:
        guess[level] = 0.25 / len(middle)
    return guess


def default_u(comparison: Comparison) -> dict[int, float]:
    """What two random records usually look like: almost always no level at all."""
    best = len(comparison.levels)
    guess = {best: 0.002, **{level: 0.01 for level in range(1, best)}}
    guess[ELSE_LEVEL] = 1 - sum(guess.values())
    return guess


def u_from_random_pairs(
    comparisons: Sequence[Comparison], counts: dict[str, pd.Series]
) -> dict[str, dict[int, float]]:
    """P(level | non-match) from level counts of random pairs, pulled toward `default_u`."""
    out = {}
    for c in comparisons:
        levels = [lv for lv in c.level_numbers() if lv != NULL_LEVEL]
        seen = counts[c.name].reindex(levels, fill_value=0).astype(float)
        prior = pd.Series(default_u(c)).reindex(levels)
        out[c.name] = ((seen + U_PRIOR_PAIRS * prior) / (seen.sum() + U_PRIOR_PAIRS)).to_dict()
    return out


def em_m_probabilities(
    patterns: pd.DataFrame,
    comparisons: Sequence[Comparison],
    u: dict[str, dict[int, float]],
    m_start: dict[str, dict[int, float]],
    prior_start: float = 0.3,
    iterations: int = 100,
    tolerance: float = 1e-6,
) -> tuple[dict[str, dict[int, float]], float, int]:
    """EM over `patterns` (gamma columns + `n`) for m of `comparisons`, u fixed.

    Returns m, the share of matches among these pairs and the iterations run.
    """
    counts = patterns["n"].to_numpy(dtype=float)
    gammas = {c.name: patterns[c.gamma].to_numpy() for c in comparisons}
    log_u = sum(
        (np.log(_lookup(gammas[c.name], u[c.name])) for c in comparisons), np.zeros(len(counts))
    )
    m = {name: dict(values) for name, values in m_start.items()}
    prior = prior_start
    done = 0
    for done in range(1, iterations + 1):  # noqa: B007 - the count is returned
        log_m = sum(
            (np.log(_lookup(gammas[c.name], m[c.name])) for c in comparisons),
            np.zeros(len(counts)),
        )
        odds = np.log(prior) - np.log1p(-prior) + log_m - log_u
        posterior = 1 / (1 + np.exp(-np.clip(odds, -700, 700)))
        weighted = counts * posterior
        new_prior = float(np.clip(weighted.sum() / counts.sum(), EPSILON, 1 - EPSILON))
        change = abs(new_prior - prior)
        for c in comparisons:
            g = gammas[c.name]
            present = g != NULL_LEVEL
            total = weighted[present].sum() + M_PRIOR_PAIRS
            prior_m = default_m(c)
            new = {}
            for level in c.level_numbers():
                if level == NULL_LEVEL:
                    continue
                share = (weighted[g == level].sum() + M_PRIOR_PAIRS * prior_m[level]) / total
                new[level] = float(np.clip(share, EPSILON, 1 - EPSILON))
                change = max(change, abs(new[level] - m[c.name].get(level, 0.0)))
            m[c.name] = new
        prior = new_prior
        if change < tolerance:
            break
    return m, prior, done


def solve_prior(
    patterns: pd.DataFrame,
    comparisons: Sequence[Comparison],
    m: dict[str, dict[int, float]],
    u: dict[str, dict[int, float]],
    total_pairs: int,
    iterations: int = 200,
) -> float:
    """The chance two random records match, given m and u, from the candidate pairs.

    Pairs outside the candidates are taken as non-matches; the prior is the
    fixed point of "expected matches among candidates / all pairs".
    """
    counts = patterns["n"].to_numpy(dtype=float)
    bayes = sum(
        (np.log(_lookup(patterns[c.gamma].to_numpy(), m[c.name]))
         - np.log(_lookup(patterns[c.gamma].to_numpy(), u[c.name])) for c in comparisons),
        np.zeros(len(counts)),
    )
    prior = min(0.5, max(1.0 / max(total_pairs, 1), counts.sum() / max(total_pairs, 1) / 10))
    for _ in range(iterations):
        odds = np.log(prior) - np.log1p(-prior) + bayes
        expected = float((counts / (1 + np.exp(-np.clip(odds, -700, 700)))).sum())
        new = min(max(expected / total_pairs, EPSILON / max(total_pairs, 1)), 0.5)
        if abs(new - prior) <= 1e-9 * prior:
            return new
        prior = new
    return prior


def _lookup(levels: np.ndarray, probabilities: dict[int, float]) -> np.ndarray:
    """Per pair, the probability of its level; 1 for a missing field (no evidence)."""
    table = {NULL_LEVEL: 1.0, **probabilities}
    keys = np.array(sorted(table))
    values = np.array([table[k] for k in keys])
    return values[np.searchsorted(keys, levels)]
