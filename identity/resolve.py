"""Deterministic identity resolution: records in, crosswalk and golden profiles out.

standardise -> rules (guarded candidate links) -> cluster -> golden profiles.
Each stage is a function over DataFrames, so the probabilistic matcher planned
next adds its edges before clustering without touching the others.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from identity.cluster import cluster_labels
from identity.golden import build_golden_profiles, golden_ids
from identity.persist import load_records, write_result
from identity.rules import RuleOutput, candidate_edges
from identity.settings import IdentitySettings
from identity.standardise.records import standardise_records

__all__ = ["IdentityResult", "load_records", "resolve", "write_result"]

log = logging.getLogger(__name__)

CROSSWALK_COLUMNS = ["source", "source_id", "golden_id", "matched_by", "resolved_at"]
MATCH_EDGE_COLUMNS = [
    "left_source", "left_source_id", "right_source", "right_source_id", "rule", "key",
]  # fmt: skip


@dataclass
class IdentityResult:
    """The three identity tables of data-contract section 4, plus run statistics."""

    crosswalk: pd.DataFrame
    golden_profiles: pd.DataFrame
    match_edges: pd.DataFrame
    stats: dict[str, Any] = field(default_factory=dict)
    #: Keys the guard skipped because too many records share them (rule, key, records).
    skipped_keys: pd.DataFrame = field(default_factory=pd.DataFrame)


def resolve(
    records: pd.DataFrame | duckdb.DuckDBPyRelation,
    settings: IdentitySettings | None = None,
    resolved_at: pd.Timestamp | None = None,
) -> IdentityResult:
    """Resolve unified source records into persons.

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

    std = standardise_records(records, settings)
    found = candidate_edges(std, settings)
    labels = cluster_labels(len(std), found.edges)
    ids = golden_ids(std, labels) if len(std) else np.zeros(0, dtype=object)
    crosswalk = _crosswalk(std, found.edges, ids, resolved_at)
    golden = build_golden_profiles(std, labels, ids, settings, resolved_at)
    edges = _match_edges(std, found.edges)
    stats = _stats(std, labels, found, golden)
    stats["seconds"] = round(time.perf_counter() - started, 3)
    log.info("identity resolved: %s", stats)
    return IdentityResult(crosswalk, golden, edges, stats, found.skipped_keys)


def _crosswalk(
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
    matched_by = pd.Series("", index=std.index, dtype=object)
    for rule in sorted(touched["rule"].unique()):
        has = std.index.isin(touched.loc[touched["rule"] == rule, "rid"])
        sep = np.where(matched_by.to_numpy() == "", "", ",")
        matched_by = matched_by.where(~has, matched_by + sep + rule)
    return pd.DataFrame(
        {
            "source": std["source"].to_numpy(),
            "source_id": std["source_id"].to_numpy(),
            "golden_id": ids,
            "matched_by": matched_by.replace("", "singleton").to_numpy(),
            "resolved_at": resolved_at,
        },
        columns=CROSSWALK_COLUMNS,
    )


def _match_edges(std: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    left = edges["rid_l"].to_numpy(dtype=np.int64)
    right = edges["rid_r"].to_numpy(dtype=np.int64)
    sources, ids = std["source"].to_numpy(), std["source_id"].to_numpy()
    out = pd.DataFrame(
        {
            "left_source": sources[left],
            "left_source_id": ids[left],
            "right_source": sources[right],
            "right_source_id": ids[right],
            "rule": edges["rule"].to_numpy(),
            "key": edges["key"].to_numpy(),
        },
        columns=MATCH_EDGE_COLUMNS,
    )
    return out.sort_values(MATCH_EDGE_COLUMNS, ignore_index=True)


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
