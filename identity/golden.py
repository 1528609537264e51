"""Golden profiles: one row per cluster with survivorship.

A new cluster's id hashes its anchor (its smallest ``(source, source_id)``,
`golden_id`); ids then persist across runs (`identity.persistent_ids`).
Each attribute follows a survivorship rule (`SURVIVORSHIP_RULES`, chosen per
attribute in `IdentitySettings.survivorship`): by default the most recently
changed non-null value (active records first, then ``source_updated_at``,
then source priority). Every golden attribute records which record supplied
it, so a steward can see why a value won. The address is chosen as one block
("address") so street, city and postcode never come from different moves.
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


#: how a golden attribute picks its value among the cluster's non-null ones
SURVIVORSHIP_RULES = {
    "most_recent": "the most recently changed record (active first; ties by source priority)",
    "source_priority": "the record of the highest-priority source (active first; ties by "
                       "most recent)",
    "most_frequent": "the value most member records hold (ties by most recent)",
}
#: what a survivorship rule can be set for: each attribute, and the address block
SURVIVING = (*(a for a in ATTRIBUTES if a not in ADDRESS), "address")


def survivorship_order(std: pd.DataFrame, priority: tuple[str, ...],
                       rule: str = "most_recent") -> np.ndarray:
    """Record positions best-first for `rule`: active first, then latest change and
    source priority in the rule's order, then position."""
    rank = {source: i for i, source in enumerate(priority)}
    prio = std["source"].map(rank).fillna(len(rank)).to_numpy(dtype=np.int64)
    updated = std["source_updated_at"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    updated = np.where(std["source_updated_at"].isna().to_numpy(), np.iinfo(np.int64).min + 1,
                       updated)
    inactive = (~std["is_active"].to_numpy(dtype=bool)).astype(np.int8)
    if rule == "source_priority":
        return np.lexsort((np.arange(len(std)), -updated, prio, inactive))
    return np.lexsort((np.arange(len(std)), prio, -updated, inactive))


def survivors(ranked: pd.DataFrame, present: pd.Series, rule: str,
              value: pd.Series | None = None) -> pd.DataFrame:
    """Per label, the winning row of `ranked` (rows best-first) among `present` ones.

    `most_frequent` counts equal `value`s per label and keeps, of the most
    frequent, the value whose best row ranks first; the other rules keep the
    first present row.
    """
    candidates = ranked[present.to_numpy()]
    if rule != "most_frequent" or value is None:
        return candidates.drop_duplicates("label").set_index("label")
    keyed = candidates.assign(_value=value[present.to_numpy()].to_numpy(),
                              _rank=np.arange(len(candidates)))
    groups = keyed.groupby(["label", "_value"], sort=False)
    best = keyed.loc[groups["_rank"].idxmin()].assign(_count=groups.size().to_numpy())
    best = best.sort_values(["label", "_count", "_rank"], ascending=[True, False, True])
    return best.drop_duplicates("label").set_index("label").drop(
        columns=["_value", "_rank", "_count"])


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
    rules = dict(settings.survivorship)
    orders: dict[str, pd.DataFrame] = {}

    def ranked_for(rule: str) -> pd.DataFrame:
        base = "source_priority" if rule == "source_priority" else "most_recent"
        if base not in orders:
            orders[base] = frame.iloc[survivorship_order(std, settings.source_priority, base)]
        return orders[base]

    anchors = np.unique(labels)
    out = pd.DataFrame(index=pd.Index(anchors, name="label"))
    out["golden_id"] = ids[anchors]  # labels are anchor positions
    for attr in SURVIVING:
        if attr == "address":
            continue
        rule = rules.get(attr, "most_recent")
        ranked = ranked_for(rule)
        best = survivors(ranked, ranked[attr].notna(), rule, ranked[attr])
        out[attr] = best[attr]
        out[f"{attr}_source"] = best["ref"]
    rule = rules.get("address", "most_recent")
    ranked = ranked_for(rule)
    block = ranked[list(ADDRESS)].astype(object)
    has_address = block.notna().any(axis=1)
    # most_frequent counts whole addresses, not their parts
    whole = (block.fillna("").astype(str).agg("\x1f".join, axis=1)
             if rule == "most_frequent" else None)
    best = survivors(ranked, has_address, rule, whole)
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
