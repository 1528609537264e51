"""Golden profiles: one row per cluster with survivorship.

A new cluster's id hashes its anchor (its smallest ``(source, source_id)``,
`golden_id`); ids then persist across runs (`identity.persistent_ids`).
Each attribute takes the most recently changed non-null value (active
records first, then ``source_updated_at``, then source priority) and records
which record supplied it, so a steward can see why a value won. The address is
chosen as one block so street, city and postcode never come from different moves.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from identity.settings import IdentitySettings

ATTRIBUTES = (
    "first_name", "last_name", "email", "phone", "street", "city", "postcode", "country_code",
)  # fmt: skip
ADDRESS = ("street", "city", "postcode", "country_code")
GOLDEN_COLUMNS = [
    "golden_id", *ATTRIBUTES, *(f"{a}_source" for a in ATTRIBUTES),
    "source_systems", "member_count", "first_seen_at", "last_seen_at", "resolved_at",
]  # fmt: skip


def golden_id(source: str, source_id: str) -> str:
    """``cdp_`` + 16 hex of sha1 of the anchor record ``source:source_id``."""
    digest = hashlib.sha1(f"{source}:{source_id}".encode()).hexdigest()
    return f"cdp_{digest[:16]}"


def survivorship_order(std: pd.DataFrame, priority: tuple[str, ...]) -> np.ndarray:
    """Record positions best-first: active, latest change, source priority, position."""
    rank = {source: i for i, source in enumerate(priority)}
    prio = std["source"].map(rank).fillna(len(rank)).to_numpy(dtype=np.int64)
    updated = std["source_updated_at"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    updated = np.where(std["source_updated_at"].isna().to_numpy(), np.iinfo(np.int64).min + 1,
                       updated)
    inactive = (~std["is_active"].to_numpy(dtype=bool)).astype(np.int8)
    return np.lexsort((np.arange(len(std)), prio, -updated, inactive))


def build_golden_profiles(
    std: pd.DataFrame,
    labels: np.ndarray,
    ids: np.ndarray,
    settings: IdentitySettings,
    resolved_at: pd.Timestamp,
) -> pd.DataFrame:
    """One row per cluster in the column order of data-contract section 4."""
    frame = std[list(ATTRIBUTES)].copy()
    frame["label"] = labels
    frame["ref"] = (std["source"] + ":" + std["source_id"]).to_numpy()
    ranked = frame.iloc[survivorship_order(std, settings.source_priority)]
    anchors = np.unique(labels)
    out = pd.DataFrame(index=pd.Index(anchors, name="label"))
    out["golden_id"] = ids[anchors]  # labels are anchor positions
    for attr in ATTRIBUTES:
        if attr in ADDRESS:
            continue
        best = ranked[ranked[attr].notna()].drop_duplicates("label").set_index("label")
        out[attr] = best[attr]
        out[f"{attr}_source"] = best["ref"]
    has_address = ranked[list(ADDRESS)].notna().any(axis=1)
    best = ranked[has_address].drop_duplicates("label").set_index("label")
    for attr in ADDRESS:
        out[attr] = best[attr]
        out[f"{attr}_source"] = best["ref"].where(best[attr].notna())
    members = pd.DataFrame({"label": labels, "source": std["source"].to_numpy(),
                            "updated": std["source_updated_at"].to_numpy()})
    out["source_systems"] = _source_systems(members)
    grouped = members.groupby("label")
    out["member_count"] = grouped.size()
    out["first_seen_at"] = grouped["updated"].min()
    out["last_seen_at"] = grouped["updated"].max()
    out["resolved_at"] = resolved_at
    texts = [c for c in GOLDEN_COLUMNS if c in ATTRIBUTES or c.endswith("_source")]
    out[texts] = out[texts].astype(object).where(out[texts].notna(), None)
    return out.reset_index(drop=True)[GOLDEN_COLUMNS]


def _source_systems(members: pd.DataFrame) -> pd.Series:
    """Sorted, comma-separated distinct sources per cluster, built per source not per row."""
    present = members.drop_duplicates(["label", "source"])
    labels = np.unique(members["label"].to_numpy())
    text = pd.Series("", index=pd.Index(labels, name="label"), dtype=object)
    for source in sorted(present["source"].unique()):
        has = text.index.isin(present.loc[present["source"] == source, "label"])
        sep = np.where(text.to_numpy() == "", "", ",")
        text = text.where(~has, text + sep + source)
    return text
