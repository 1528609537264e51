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


def golden_ids(sources: np.ndarray, source_ids: np.ndarray) -> np.ndarray:
    """`golden_id` of each anchor record, as an object array."""
    return np.array([golden_id(source, source_id)
                     for source, source_id in zip(sources, source_ids, strict=True)],
                    dtype=object)


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


def survivors(order: np.ndarray, labels: np.ndarray, present: np.ndarray, rule: str,
              value: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per cluster holding a `present` value, its winning record: `(labels, positions)`.

    `order` lists record positions best-first. `most_frequent` counts equal
    `value`s per label and keeps, of the most frequent, the value whose best
    record ranks first; the other rules keep the first present record.
    Positions, not frames: a million records' attributes are never copied
    per rule and attribute.
    """
    candidates = order[present[order]]
    if rule != "most_frequent" or value is None:
        won, first = np.unique(labels[candidates], return_index=True)
        return won, candidates[first]
    keyed = pd.DataFrame({"label": labels[candidates], "value": value[candidates],
                          "rank": np.arange(len(candidates))})
    groups = keyed.groupby(["label", "value"], sort=False)["rank"]
    best = pd.DataFrame({"rank": groups.min(), "count": groups.size()}).reset_index()
    best = best.sort_values(["label", "count", "rank"], ascending=[True, False, True])
    best = best.drop_duplicates("label")
    return best["label"].to_numpy(), candidates[best["rank"].to_numpy()]


def build_golden_profiles(
    std: pd.DataFrame,
    labels: np.ndarray,
    ids: np.ndarray,
    settings: IdentitySettings,
    resolved_at: pd.Timestamp,
) -> pd.DataFrame:
    """One row per cluster in the column order of data-contract section 4."""
    labels = np.asarray(labels)
    rules = dict(settings.survivorship)
    orders: dict[str, np.ndarray] = {}

    def order_for(rule: str) -> np.ndarray:
        base = "source_priority" if rule == "source_priority" else "most_recent"
        if base not in orders:
            orders[base] = survivorship_order(std, settings.source_priority, base)
        return orders[base]

    anchors = np.unique(labels)  # labels are anchor positions
    winners: dict[str, np.ndarray] = {}

    def winner_per_anchor(won: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        at = np.full(len(anchors), -1, dtype=np.int64)
        at[np.searchsorted(anchors, won[0])] = won[1]
        return at

    for attr in SURVIVING:
        if attr == "address":
            continue
        rule = rules.get(attr, "most_recent")
        values = std[attr].to_numpy(dtype=object)
        winners[attr] = winner_per_anchor(
            survivors(order_for(rule), labels, pd.notna(values), rule, values))
    rule = rules.get("address", "most_recent")
    block = std[list(ADDRESS)].astype(object)
    has_address = block.notna().any(axis=1).to_numpy()
    # most_frequent counts whole addresses, not their parts
    whole = (block.fillna("").astype(str).agg("\x1f".join, axis=1).to_numpy()
             if rule == "most_frequent" else None)
    del block
    address = winner_per_anchor(survivors(order_for(rule), labels, has_address, rule, whole))
    for attr in ADDRESS:
        winners[attr] = address
    refs = _refs(std, np.concatenate(list(winners.values())))
    out = pd.DataFrame({"golden_id": ids[anchors]})
    for attr in ATTRIBUTES:
        at = winners[attr]
        values = std[attr].to_numpy(dtype=object)
        chosen = np.where(at >= 0, values[np.maximum(at, 0)], None)
        out[attr] = _none_for_missing(chosen)
        source = np.where(at >= 0, refs.reindex(at).to_numpy(), None)
        # an address part the winning address lacks has no source either
        out[f"{attr}_source"] = np.where(pd.isna(out[attr].to_numpy()), None, source)
    # a record was first seen when its source created it; only a record without a known
    # creation counts from its last change (an edit must not make a customer newer)
    seen = std["source_created_at"].fillna(std["source_updated_at"])
    members = pd.DataFrame({"label": labels, "source": std["source"].to_numpy(),
                            "seen": seen.to_numpy(),
                            "updated": std["source_updated_at"].to_numpy()})
    grouped = members.groupby("label")
    out["source_systems"] = _source_systems(members).to_numpy()
    out["member_count"] = grouped.size().to_numpy()
    out["first_seen_at"] = grouped["seen"].min().to_numpy()
    out["last_seen_at"] = grouped["updated"].max().to_numpy()
    out["resolved_at"] = resolved_at
    return out[GOLDEN_COLUMNS]


def _refs(std: pd.DataFrame, positions: np.ndarray) -> pd.Series:
    """``source:source_id`` of the records at `positions` (a survivor's provenance),
    built once per winning record rather than for every record."""
    winning = np.unique(positions[positions >= 0])
    sources = std["source"].to_numpy(dtype=object)[winning]
    source_ids = std["source_id"].to_numpy(dtype=object)[winning]
    return pd.Series([f"{s}:{i}" for s, i in zip(sources, source_ids, strict=True)],
                     index=winning, dtype=object)


def _none_for_missing(values: np.ndarray) -> np.ndarray:
    out = values.astype(object)
    out[pd.isna(out)] = None
    return out


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
