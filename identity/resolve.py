"""Identity resolution: records in, crosswalk, golden profiles and evidence out.

standardise -> deterministic rules (guarded links) and probabilistic linkage
(scored pairs) -> guarded clustering -> golden profiles. Each stage is a
function over DataFrames; pairs scored between the review and the auto-merge
thresholds, and links the cluster guard refused, go to the review queue.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from identity.cluster import Guard, guarded_cluster_labels
from identity.golden import build_golden_profiles
from identity.health import graph_health
from identity.match.comparisons import Comparison, identifying
from identity.match.keys import match_keys
from identity.match.linker import LinkageResult, link_built
from identity.persist import load_records, write_result
from identity.persistent_ids import EVENT_COLUMNS, IdState, assign_golden_ids
from identity.rules import RuleOutput, candidate_edges
from identity.settings import IdentitySettings
from identity.standardise.records import standardise_records
from identity.state import record_hashes, record_state
from identity.stewardship import apply_decisions
from identity.timing import LINKAGE_STEPS, StageTimer

__all__ = ["IdentityResult", "load_records", "resolve", "write_result"]

log = logging.getLogger(__name__)

CROSSWALK_COLUMNS = ["source", "source_id", "golden_id", "matched_by", "resolved_at"]
PAIR_COLUMNS = ["left_source", "left_source_id", "right_source", "right_source_id"]
MATCH_EDGE_COLUMNS = [
    *PAIR_COLUMNS, "rule", "key", "match_probability", "match_weight", "evidence",
]  # fmt: skip
REVIEW_COLUMNS = [*PAIR_COLUMNS, "match_probability", "match_weight", "evidence", "reason"]
MODEL_COLUMNS = ["comparison", "level", "label", "m", "u", "match_weight"]
PROBABILISTIC = "probabilistic"
STEWARD = "steward"


@dataclass
class IdentityResult:
    """The three identity tables of data-contract section 4, plus run statistics."""

    crosswalk: pd.DataFrame
    golden_profiles: pd.DataFrame
    match_edges: pd.DataFrame
    stats: dict[str, Any] = field(default_factory=dict)
    #: Keys the guard skipped because too many records share them (rule, key, records).
    skipped_keys: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Pairs a steward should decide: scored in the review band, or refused by the guard.
    review_queue: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=REVIEW_COLUMNS))
    #: The fitted match weights per comparison level (empty when matching is off).
    match_model: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MODEL_COLUMNS))
    #: Every golden id issued and the crosswalk's history, for the next run.
    id_state: IdState = field(default_factory=IdState)
    #: This run's merges, splits, new and retired golden ids.
    events: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EVENT_COLUMNS))
    #: With `keep_state`: the standardised records, match keys and input hashes
    #: (`identity.state.record_state`) an incremental run starts from.
    record_state: pd.DataFrame | None = None
    #: With `keep_state`: the fitted model as plain data (`MatchModel.to_dict`).
    model_state: dict[str, Any] | None = None
    settings: IdentitySettings | None = None


def resolve(
    records: pd.DataFrame | duckdb.DuckDBPyRelation,
    settings: IdentitySettings | None = None,
    resolved_at: pd.Timestamp | None = None,
    decisions: pd.DataFrame | None = None,
    previous: IdState | None = None,
    keep_state: bool = False,
) -> IdentityResult:
    """Resolve unified source records into persons.

    `decisions` are a steward's must-link and cannot-link pairs
    (`identity.stewardship.DECISION_COLUMNS`); they override rules and model.
    `previous` is the id state the last run left (`IdentityResult.id_state`):
    golden ids survive from it (`identity.persistent_ids`). `keep_state` keeps
    what an incremental run needs (`identity.state`) in the result.

    Raises ``ValueError`` on a duplicated ``(source, source_id)``: one record per
    row is the contract, and silently keeping one would hide an upstream bug.
    """
    started = time.perf_counter()
    settings = settings or IdentitySettings()
    if isinstance(records, duckdb.DuckDBPyRelation):
        records = records.df()
    if resolved_at is None:
        resolved_at = pd.Timestamp.now(tz="UTC").tz_localize(None).floor("us")
    records = records.astype({"source": str, "source_id": str})
    duplicated = records.duplicated(["source", "source_id"])
    if duplicated.any():
        sample = records.loc[duplicated, ["source", "source_id"]].head(5).to_dict("records")
        raise ValueError(f"{int(duplicated.sum())} duplicated (source, source_id), e.g. {sample}")
    records = records.sort_values(["source", "source_id"], kind="stable", ignore_index=True)

    timer = StageTimer(suffix="_seconds")
    hashes = timer.time("record_hashes", record_hashes, records) if keep_state else None
    std = timer.time("standardise", standardise_records, records, settings)
    # the sorted copy of the input is not read again: a million records' worth of
    # column arrays need not sit beside the linkage's DuckDB memory
    del records
    found = timer.time("rules", candidate_edges, std, settings)
    linkage, keys = timer.time("linkage", _linkage, std, settings, keep_state)
    scored, weak = _over_threshold(linkage, settings)
    applied = apply_decisions(std, decisions)
    # a steward's must-links come first: they are the surest links there are
    trusted = pd.concat([applied.must_link.assign(rule=STEWARD, key=None), found.edges],
                        ignore_index=True)
    clusters = timer.time(
        "cluster", guarded_cluster_labels, len(std), trusted, scored,
        Guard.from_records(std, settings.guard.cluster_first_name_jw,
                           settings.guard.cluster_conflicts, applied.cannot_link),
        settings.max_cluster_size)
    labels = clusters.labels
    trusted, accepted = standing_links(trusted, scored, found.edges, clusters.refused, len(std))
    all_edges = pd.concat(
        [trusted[["rid_l", "rid_r", "rule"]],
         accepted[["rid_l", "rid_r"]].assign(rule=PROBABILISTIC)], ignore_index=True)
    assignment = timer.time("golden_ids", assign_golden_ids, std, labels, previous,
                            resolved_at)
    ids = assignment.ids
    crosswalk = timer.time("crosswalk", crosswalk_rows, std, all_edges, ids, resolved_at)
    with timer.stage("match_edges"):
        edges = match_edge_rows(std, trusted, accepted,
                                evidence_texts(accepted, _comparisons(linkage)).to_numpy())
    review = timer.time("review_queue", _review_queue, std, labels, linkage,
                        clusters.refused, weak, settings)
    stats_of_links = _linkage_stats(linkage, accepted, clusters.refused, review)
    # every pair's levels are in the edges and the review queue now: a million of
    # them need not sit beside the golden profiles being built
    del scored, weak, accepted, all_edges, trusted
    if linkage is not None:
        linkage = replace(linkage, pairs=linkage.pairs.iloc[:0])
    golden = timer.time("golden", build_golden_profiles, std, labels, ids, settings,
                        resolved_at)
    stats = _stats(std, labels, found, golden)
    stats.update(stats_of_links)
    stats.update(timer.seconds)
    stats["health"] = graph_health(golden, review)
    stats["steward_decisions"] = {"must_link": len(applied.must_link),
                                  "cannot_link": len(applied.cannot_link),
                                  "unmatched": applied.unmatched}
    stats["seconds"] = round(time.perf_counter() - started, 3)
    log.info("identity resolved: %s", stats)
    model = linkage.model.weights_table() if linkage is not None else pd.DataFrame(
        columns=MODEL_COLUMNS)
    stats["id_events"] = assignment.events["event"].value_counts().to_dict()
    result = IdentityResult(crosswalk, golden, edges, stats, found.skipped_keys, review, model,
                            assignment.state, assignment.events, settings=settings)
    if hashes is not None:
        result.record_state = record_state(std, keys, hashes)
        result.model_state = linkage.model.to_dict() if linkage is not None else None
    return result


def _linkage(std: pd.DataFrame, settings: IdentitySettings, keep_keys: bool
             ) -> tuple[LinkageResult | None, pd.DataFrame | None]:
    """Probabilistic linkage of the records, or None when matching is off or
    pointless; with `keep_keys`, also the match keys `std` lacks (the stored
    state's phonetic codes and name pairs).

    The full match-keys frame lives only until DuckDB holds it.
    """
    if not settings.matching.enabled or len(std) < 2:
        return None, None
    timer = StageTimer()
    kept: list[pd.DataFrame] = []

    def build_keys() -> pd.DataFrame:
        with timer.stage("match_keys"):
            keys = match_keys(std.reset_index(drop=True))
        if keep_keys:
            kept.append(keys[[c for c in keys.columns if c not in std.columns]])
        return keys

    result = link_built(build_keys, settings.matching)
    result.stats["stage_seconds"] = {**timer.seconds, **result.stats["stage_seconds"]}
    return result, (kept[0] if kept else None)


def _over_threshold(linkage: LinkageResult | None, settings: IdentitySettings
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The scored pairs at or over the match threshold that may merge, and those over
    it without identifying evidence (a household's), which go to review."""
    if linkage is None:
        return empty_scored(), empty_scored()
    pairs = linkage.pairs
    over = pairs["match_probability"].to_numpy() >= settings.matching.match_threshold
    strong = over.copy()
    if settings.matching.require_identifying:
        strong &= identifying(pairs, linkage.model.comparisons)
    return pairs[strong], pairs[over & ~strong]


def _comparisons(linkage: LinkageResult | None) -> list[Comparison] | None:
    return linkage.model.comparisons if linkage is not None else None


def standing_links(trusted: pd.DataFrame, scored: pd.DataFrame, rule_edges: pd.DataFrame,
                   refused: pd.DataFrame, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The trusted links the cluster guard let stand, and the scored links it accepted
    that no rule already makes (a pair a rule links keeps the rule as its evidence)."""
    refused_codes = pair_codes(refused, n)
    trusted = trusted[~np.isin(pair_codes(trusted, n), refused_codes)]
    skip = np.concatenate([refused_codes, pair_codes(rule_edges, n)])
    return trusted, scored[~np.isin(pair_codes(scored, n), skip)]


def pair_codes(pairs: pd.DataFrame, n: int) -> np.ndarray:
    """One integer per (rid_l, rid_r) pair of `n` records, for vectorised set tests."""
    return (pairs["rid_l"].to_numpy(dtype=np.int64) * n
            + pairs["rid_r"].to_numpy(dtype=np.int64))


def empty_scored() -> pd.DataFrame:
    """No scored pairs, with the columns and dtypes scored pairs have."""
    return pd.DataFrame({"rid_l": pd.Series(dtype=np.int64), "rid_r": pd.Series(dtype=np.int64),
                         "match_weight": pd.Series(dtype=float),
                         "match_probability": pd.Series(dtype=float)})


def evidence_texts(pairs: pd.DataFrame, comparisons: Sequence[Comparison] | None) -> pd.Series:
    """Per pair, JSON of each compared field's level label: why the model scored it so.

    The weight of each level is in the match model table (``match_model``).
    """
    if not comparisons or pairs.empty:
        return pd.Series([None] * len(pairs), index=pairs.index, dtype=object)
    # a million pairs hold a few thousand distinct level patterns: one JSON each,
    # found through one integer per pair (each comparison's level a digit of it)
    # rather than by sorting the pairs' rows
    code = np.zeros(len(pairs), dtype=np.int64)
    digits = []
    for c in comparisons:
        column, levels = pd.factorize(pairs[c.gamma].to_numpy(dtype=np.int64))
        code = code * len(levels) + column
        digits.append(levels)
    inverse, patterns = pd.factorize(code)
    texts = []
    for pattern in patterns.tolist():
        labels = {}
        for c, levels in zip(reversed(comparisons), reversed(digits), strict=True):
            pattern, digit = divmod(pattern, len(levels))
            labels[c.name] = c.label(int(levels[digit]))
        texts.append(json.dumps({c.name: labels[c.name] for c in comparisons},
                                separators=(",", ":")))
    return pd.Series(np.array(texts, dtype=object)[inverse], index=pairs.index, dtype=object)


def pair_frame(std: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    left = pairs["rid_l"].to_numpy(dtype=np.int64)
    right = pairs["rid_r"].to_numpy(dtype=np.int64)
    sources, ids = std["source"].to_numpy(), std["source_id"].to_numpy()
    return pd.DataFrame({"left_source": sources[left], "left_source_id": ids[left],
                         "right_source": sources[right], "right_source_id": ids[right]})


def _review_queue(std: pd.DataFrame, labels: np.ndarray, linkage: LinkageResult | None,
                  refused: pd.DataFrame, weak: pd.DataFrame,
                  settings: IdentitySettings) -> pd.DataFrame:
    """Pairs that ended in different clusters: scored in the review band, or above it
    without identifying evidence; plus the links the cluster guard refused."""
    if linkage is None:
        return pd.DataFrame(columns=REVIEW_COLUMNS)
    pairs = linkage.pairs
    apart = labels[pairs["rid_l"].to_numpy()] != labels[pairs["rid_r"].to_numpy()]
    band = pairs[(pairs["match_probability"] < settings.matching.match_threshold) & apart]
    band = band.assign(reason="review_band")
    weak = weak[labels[weak["rid_l"].to_numpy()] != labels[weak["rid_r"].to_numpy()]]
    band = pd.concat([band, weak.assign(reason="not_identifying")], ignore_index=True)
    why = refused.set_index(["rid_l", "rid_r"])["reason"]
    guarded = pairs.set_index(["rid_l", "rid_r"]).join(why, how="inner").reset_index()
    guarded = guarded.assign(reason="guard:" + guarded["reason"])
    queue = pd.concat([band, guarded], ignore_index=True)
    out = pair_frame(std, queue)
    out["match_probability"] = queue["match_probability"].to_numpy()
    out["match_weight"] = queue["match_weight"].to_numpy()
    out["evidence"] = evidence_texts(queue, linkage.model.comparisons).to_numpy()
    out["reason"] = queue["reason"].to_numpy()
    return out.sort_values("match_probability", ascending=False, ignore_index=True)


def _linkage_stats(linkage: LinkageResult | None, accepted: pd.DataFrame,
                   refused: pd.DataFrame, review: pd.DataFrame) -> dict[str, Any]:
    if linkage is None:
        return {}
    return {
        "candidate_pairs": linkage.stats["candidate_pairs"],
        "probabilistic_links": len(accepted),
        "guard_refused": refused["reason"].value_counts().to_dict() if len(refused) else {},
        "review_queue": len(review),
        "match_prior": linkage.model.prior,
        LINKAGE_STEPS: linkage.stats["stage_seconds"],
    }


def crosswalk_rows(
    std: pd.DataFrame, edges: pd.DataFrame, ids: np.ndarray, resolved_at: pd.Timestamp
) -> pd.DataFrame:
    """One row per record; ``matched_by`` lists the rules of the record's own links."""
    touched = pd.concat(
        [
            edges[["rid_l", "rule"]].set_axis(["rid", "rule"], axis=1),
            edges[["rid_r", "rule"]].set_axis(["rid", "rule"], axis=1),
        ],
        ignore_index=True,
    ).drop_duplicates()
    # one bit per rule and record, then one text per distinct set of rules: a
    # million records share a handful of texts instead of holding one each
    rules = sorted(touched["rule"].unique())
    bits = np.zeros(len(std), dtype=np.int64)
    for bit, rule in enumerate(rules):
        at = std.index.get_indexer(touched.loc[touched["rule"] == rule, "rid"])
        bits[at[at >= 0]] |= 1 << bit
    codes, sets = pd.factorize(bits)
    texts = np.array([",".join(r for b, r in enumerate(rules) if int(s) >> b & 1)
                      or "singleton" for s in sets], dtype=object)
    return pd.DataFrame(
        {
            "source": std["source"].to_numpy(),
            "source_id": std["source_id"].to_numpy(),
            "golden_id": ids,
            "matched_by": texts[codes],
            "resolved_at": resolved_at,
        },
        columns=CROSSWALK_COLUMNS,
    )


def match_edge_rows(std: pd.DataFrame, edges: pd.DataFrame, accepted: pd.DataFrame,
                    evidence: np.ndarray) -> pd.DataFrame:
    """Every link behind a cluster: rule links with their key, scored links with their
    `evidence` (one JSON text per accepted pair).

    Sorted by record position, which is `(source, source_id)` order: the same
    order as sorting the text columns, at the cost of sorting integers.
    """
    # columns joined by numpy, not pd.concat: concatenating an all-None column
    # makes pandas test each of a million values for a missing-value marker
    rule_rows = len(edges)
    none_rules, none_scored = [None] * rule_rows, [None] * len(accepted)
    both = pd.DataFrame({
        "rid_l": _stacked(edges["rid_l"], accepted["rid_l"], np.int64),
        "rid_r": _stacked(edges["rid_r"], accepted["rid_r"], np.int64),
        "rule": _stacked(edges["rule"], [PROBABILISTIC] * len(accepted)),
        "key": _stacked(edges["key"], none_scored),
        "match_probability": _stacked(np.full(rule_rows, np.nan), accepted["match_probability"],
                                     float),
        "match_weight": _stacked(np.full(rule_rows, np.nan), accepted["match_weight"], float),
        "evidence": _stacked(none_rules, evidence),
    })
    both = both.sort_values(["rid_l", "rid_r", "rule"], ignore_index=True)
    out = pair_frame(std, both)
    for column in MATCH_EDGE_COLUMNS[len(PAIR_COLUMNS):]:
        out[column] = both[column].to_numpy()
    return out[MATCH_EDGE_COLUMNS]


def _stacked(first: object, second: object, dtype: object = object) -> np.ndarray:
    """Two column parts end to end as one array of `dtype`."""
    return np.concatenate([np.asarray(first, dtype=dtype), np.asarray(second, dtype=dtype)])


def _stats(
    std: pd.DataFrame, labels: np.ndarray, found: RuleOutput, golden: pd.DataFrame
) -> dict[str, Any]:
    n = len(std)
    spans = pd.DataFrame({"label": labels, "source": std["source"].to_numpy()})
    n_sources = spans.drop_duplicates().groupby("label").size()
    cross = int((n_sources.reindex(labels).to_numpy() >= 2).sum()) if n else 0
    skipped = found.skipped_keys
    return {
        "records_in": n,
        "records_active": int(std["is_active"].sum()),
        "edges_per_rule": {rule: c.get("accepted", 0) for rule, c in found.counts.items()},
        "rule_counts": found.counts,
        "keys_skipped": skipped.groupby("rule").size().to_dict() if len(skipped) else {},
        "clusters": len(golden),
        "multi_record_clusters": int((golden["member_count"] > 1).sum()) if len(golden) else 0,
        "records_linked_across_systems": cross,
        "cross_system_share": round(cross / n, 4) if n else 0.0,
    }
