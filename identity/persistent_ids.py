"""Golden ids that outlive re-runs: survival on merge and split, aliases, crosswalk history.

A golden id is a customer's handle in every downstream system (the CRM, the
BI tool, an erasure request), so a re-run must not renumber customers. Each
run starts from what the previous one left:
- a previous id passes to the cluster now holding most of its records (its heir);
- a cluster heir to several ids keeps the oldest; the others become aliases
  that resolve to it (a merge);
- the parts of a split cluster that are not its heir get ids of their own;
- a cluster heir to none gets a new id (the hash of its first record, as on a
  first run, unless that id was ever issued);
- an id whose records are all gone is retired, never reissued.
The registry keeps every id ever issued; the crosswalk history keeps
`(source, source_id) -> golden_id` with `valid_from` / `valid_to`; the events
say which ids merged, split, appeared or retired in which run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from identity.golden import golden_ids

REGISTRY_COLUMNS = ["golden_id", "created_at", "alias_of", "retired_at"]
HISTORY_COLUMNS = ["source", "source_id", "golden_id", "valid_from", "valid_to"]
EVENT_COLUMNS = ["resolved_at", "event", "golden_id", "other_id", "records"]


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


@dataclass
class IdState:
    """The ids a run leaves for the next: registry and crosswalk history."""

    registry: pd.DataFrame = field(default_factory=lambda: _empty(REGISTRY_COLUMNS))
    history: pd.DataFrame = field(default_factory=lambda: _empty(HISTORY_COLUMNS))

    def current(self) -> pd.DataFrame:
        """The open crosswalk rows: (source, source_id) -> golden_id now."""
        open_rows = self.history[self.history["valid_to"].isna()]
        return open_rows[["source", "source_id", "golden_id"]]


@dataclass
class Assignment:
    ids: np.ndarray
    state: IdState
    events: pd.DataFrame


def assign_golden_ids(std: pd.DataFrame, labels: np.ndarray, previous: IdState | None,
                      run_at: pd.Timestamp) -> Assignment:
    """A golden id per record (`std` positions, clusters by `labels`) and the next state."""
    previous = previous or IdState()
    n = len(std)
    sources = std["source"].to_numpy(dtype=object)
    source_ids = std["source_id"].to_numpy(dtype=object)
    before = previous.current().set_index(["source", "source_id"])["golden_id"]
    # a first run has no previous ids: no index of a million record keys to build
    prior = (before.reindex(pd.MultiIndex.from_arrays([sources, source_ids])).to_numpy()
             if len(before) else np.full(n, None, dtype=object))
    registry = previous.registry.set_index("golden_id") if len(previous.registry) else None

    members = pd.DataFrame({"label": labels, "prior": prior})
    counts = members.dropna(subset=["prior"]).groupby(["prior", "label"]).size()
    counts = counts.rename("n").reset_index().sort_values(["prior", "n", "label"],
                                                           ascending=[True, False, True])
    heirs = counts.drop_duplicates("prior")  # each previous id: the cluster with most of it
    created = {} if registry is None else registry["created_at"].to_dict()
    events: list[tuple] = []
    contested = heirs.duplicated("label", keep=False)
    # most clusters are heir to one id at most: they keep it without a contest
    chosen: dict[int, str] = dict(zip(heirs.loc[~contested, "label"].tolist(),
                                      heirs.loc[~contested, "prior"].tolist(), strict=True))
    aliases: dict[str, str] = {}
    for label, group in heirs[contested].groupby("label"):
        ranked = sorted(group.itertuples(), key=lambda r: (
            pd.Timestamp(created.get(r.prior) or run_at), -r.n, r.prior))
        chosen[label] = ranked[0].prior
        for loser in ranked[1:]:
            aliases[loser.prior] = ranked[0].prior
            events.append((run_at, "merge", ranked[0].prior, loser.prior, int(loser.n)))
    parts = counts.groupby("prior")["n"].agg(["size", "sum"])
    events += [(run_at, "split", prior_id, None, int(total))
               for prior_id, total in parts.loc[parts["size"] > 1, "sum"].items()]

    # a new cluster's id derives from its first record (the anchor)
    clusters, anchors, sizes = np.unique(labels, return_index=True, return_counts=True)
    fresh = ~np.isin(clusters, np.fromiter(chosen, dtype=np.int64, count=len(chosen)))
    new_ids = golden_ids(sources[anchors[fresh]], source_ids[anchors[fresh]])
    # an id once issued is never reissued, even when its record returns
    for i in np.flatnonzero(pd.Index(new_ids).isin(list(created))).tolist():
        digest = hashlib.sha1(f"{new_ids[i]}:{run_at.isoformat()}".encode()).hexdigest()
        new_ids[i] = f"cdp_{digest[:16]}"
    chosen.update(zip(clusters[fresh].tolist(), new_ids.tolist(), strict=True))
    by_label = np.full(int(labels.max()) + 1 if n else 0, None, dtype=object)
    by_label[list(chosen)] = list(chosen.values())
    ids = by_label[labels]

    alive = set(chosen.values())
    gone = [g for g in before.unique() if g not in alive and g not in aliases]
    retired = [(run_at, "retired", g, None, 0) for g in gone]
    state = IdState(_registry(previous.registry, chosen, aliases, gone, run_at),
                    _history(previous.history, sources, source_ids, ids, run_at))
    # a first run has one "new" event per cluster: built as columns, not as tuples
    born = pd.DataFrame({"resolved_at": run_at, "event": "new",
                         "golden_id": np.array(new_ids, dtype=object), "other_id": None,
                         "records": sizes[fresh].astype(np.int64)}, columns=EVENT_COLUMNS)
    parts = [pd.DataFrame(events, columns=EVENT_COLUMNS), born,
             pd.DataFrame(retired, columns=EVENT_COLUMNS)]
    non_empty = [part for part in parts if len(part)]
    frame = pd.concat(non_empty, ignore_index=True) if non_empty else parts[0]
    return Assignment(ids, state, frame)


def _registry(old: pd.DataFrame, chosen: dict[int, str], aliases: dict[str, str],
              retired: list[str], run_at: pd.Timestamp) -> pd.DataFrame:
    known = set(old["golden_id"])
    new_ids = [gid for gid in dict.fromkeys(chosen.values()) if gid not in known]
    added = pd.DataFrame({"golden_id": new_ids, "created_at": run_at, "alias_of": None,
                          "retired_at": None}, columns=REGISTRY_COLUMNS)
    registry = (pd.concat([old, added], ignore_index=True) if len(old) else added)
    registry = registry.set_index("golden_id")
    for loser, winner in aliases.items():
        registry.loc[loser, "alias_of"] = winner
    # an alias of an id that just became an alias resolves to the new survivor
    resolved = registry["alias_of"].map(lambda a: aliases.get(a, a) if isinstance(a, str) else a)
    registry["alias_of"] = resolved
    registry.loc[[g for g in retired if g in registry.index], "retired_at"] = run_at
    return registry.reset_index()[REGISTRY_COLUMNS]


def _history(old: pd.DataFrame, sources: np.ndarray, source_ids: np.ndarray, ids: np.ndarray,
             run_at: pd.Timestamp) -> pd.DataFrame:
    now = pd.DataFrame({"source": sources, "source_id": source_ids, "golden_id": ids})
    if old.empty:
        return _typed(now.assign(valid_from=run_at, valid_to=None)[HISTORY_COLUMNS])
    is_open = old["valid_to"].isna()
    merged = old[is_open].merge(now, on=["source", "source_id"], how="left",
                                suffixes=("", "_now"))
    ended = merged["golden_id_now"].isna() | (merged["golden_id_now"] != merged["golden_id"])
    closed = old[is_open].copy()
    closed.loc[ended.to_numpy(), "valid_to"] = run_at
    kept = merged.loc[~ended, ["source", "source_id"]]
    fresh = now.merge(kept, on=["source", "source_id"], how="left", indicator=True)
    fresh = fresh[fresh["_merge"] == "left_only"].drop(columns="_merge")
    fresh = fresh.assign(valid_from=run_at, valid_to=None)
    parts = [_typed(part) for part in (old[~is_open], closed, fresh[HISTORY_COLUMNS])
             if len(part)]
    if not parts:
        return _typed(_empty(HISTORY_COLUMNS))
    return pd.concat(parts, ignore_index=True)[HISTORY_COLUMNS]


def _typed(history: pd.DataFrame) -> pd.DataFrame:
    """History with datetime validity columns, so frames of open rows concatenate cleanly."""
    return history.astype({"valid_from": "datetime64[ns]", "valid_to": "datetime64[ns]"})
