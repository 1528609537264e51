"""An incremental run's writes: the neighbourhood's rows replaced in every identity table.

The crosswalk, golden profiles, links and id history of the re-clustered
records are deleted and written again; the review queue loses the rows of
changed and deleted records, the neighbourhood's old guard refusals and any
pair now inside one cluster, and gains the new pairs a steward should see.
The caller holds the transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from identity.golden import build_golden_profiles
from identity.health import graph_health
from identity.persistent_ids import HISTORY_COLUMNS, REGISTRY_COLUMNS
from identity.resolve import (
    MATCH_EDGE_COLUMNS,
    PROBABILISTIC,
    REVIEW_COLUMNS,
    crosswalk_rows,
    match_edge_rows,
    pair_frame,
)
from identity.state import RID

if TYPE_CHECKING:
    from identity.incremental_run import Clustered, IncrementalRun


def has_key(view: str, source: str, source_id: str) -> str:
    """SQL: (`source`, `source_id`) is one of the keys in `view`."""
    return (f"exists (select 1 from {view} k where k.source = {source} "
            f"and k.source_id = {source_id})")


def touches(view: str) -> str:
    """SQL: a pair row (left_/right_source, _source_id) has a side among the keys in `view`."""
    return (f"({has_key(view, 'left_source', 'left_source_id')} or "
            f"{has_key(view, 'right_source', 'right_source_id')})")


def write_changes(run: IncrementalRun, std: pd.DataFrame, clustered: Clustered,
                  ids: np.ndarray, scored: pd.DataFrame) -> None:
    """Replace the neighbourhood's rows in every identity table."""
    con, settings = run.con, run.settings
    state = run.assignment.state
    old_ids = run.register("old_ids", pd.DataFrame({"golden_id": run.registry_ids},
                                                    dtype=object))
    _replace(run, "golden_id_registry", f"golden_id in (select golden_id from {old_ids})",
             state.registry[REGISTRY_COLUMNS])
    merges = run.events[run.events["event"] == "merge"]
    for winner, loser in zip(merges["golden_id"], merges["other_id"], strict=True):
        con.execute(f"update {run.table('golden_id_registry')} set alias_of = ? "
                    "where alias_of = ?", [winner, loser])

    def in_keys(table: str) -> str:
        # qualified: inside the subquery a bare `source` is the key view's own
        qualified = run.table(table)
        return has_key(run.id_keys, f"{qualified}.source", f"{qualified}.source_id")

    _replace(run, "crosswalk_history", in_keys("crosswalk_history"),
             state.history[HISTORY_COLUMNS])
    labels = clustered.labels
    golden = build_golden_profiles(std, labels, ids, settings, run.resolved_at)
    prior = run.register("prior_ids", pd.DataFrame(
        {"golden_id": sorted(run.touched_ids | set(golden["golden_id"]))}, dtype=object))
    in_prior = f"golden_id in (select golden_id from {prior})"
    golden = _carry_unchanged_times(run, "golden_profiles", in_prior, golden, ["golden_id"])
    _replace(run, "golden_profiles", in_prior, golden)
    edges = pd.concat([clustered.trusted[["rid_l", "rid_r", "rule"]],
                       clustered.accepted[["rid_l", "rid_r"]].assign(rule=PROBABILISTIC)],
                      ignore_index=True)
    crosswalk = crosswalk_rows(std, edges, ids, run.resolved_at)
    crosswalk = _carry_unchanged_times(run, "crosswalk", in_keys("crosswalk"), crosswalk,
                                       ["source", "source_id"])
    _replace(run, "crosswalk", in_keys("crosswalk"), crosswalk)
    links = match_edge_rows(std, clustered.trusted, clustered.accepted,
                            clustered.accepted["evidence"].to_numpy(dtype=object))
    touching = touches(run.id_keys)
    _replace(run, "match_edges", touching, links[MATCH_EDGE_COLUMNS])
    _write_review(run, std, clustered, scored)
    con.execute(f"insert into {run.table('identity_events')} by name select * from "
                f"{run.register('events', run.events)}")
    sizes = con.execute(f"select member_count from {run.table('golden_profiles')}").df()
    queue = int(con.execute(f"select count(*) from {run.table('review_queue')}"
                            ).fetchall()[0][0])
    run.stats["health"] = graph_health(sizes, pd.DataFrame(index=range(queue)))
    run.stats["clusters_written"] = len(golden)


def _write_review(run: IncrementalRun, std: pd.DataFrame, clustered: Clustered,
                  scored: pd.DataFrame) -> None:
    """The delta's pairs a steward should see, and the neighbourhood's guard refusals;
    pairs that now sit inside one cluster leave the queue."""
    settings = run.settings.matching
    labels = clustered.labels
    position = pd.Series(np.arange(len(std)), index=std[RID].to_numpy())
    rows = []
    if len(scored):
        weak = scored[~scored["strong"]]
        left = position.reindex(weak["rid_l"]).to_numpy()
        right = position.reindex(weak["rid_r"]).to_numpy()
        inside = ~(np.isnan(left) | np.isnan(right))
        together = np.zeros(len(weak), dtype=bool)
        together[inside] = (labels[left[inside].astype(int)]
                            == labels[right[inside].astype(int)])
        weak = weak[~together]
        reason = np.where(weak["match_probability"] < settings.match_threshold,
                          "review_band", "not_identifying")
        rows.append(_pairs_by_rid(run, weak).assign(reason=reason))
    if len(clustered.guarded):
        refused = clustered.guarded
        frame = pair_frame(std, refused)
        for column in ("match_probability", "match_weight", "evidence"):
            frame[column] = refused[column].to_numpy()
        frame["reason"] = ("guard:" + refused["reason"]).to_numpy()
        rows.append(frame)
    queue = run.table("review_queue")
    run.con.execute(
        f"delete from {queue} where {touches(run.superseded_view)} or "
        f"(reason like 'guard:%' and {touches(run.id_keys)})")
    if rows:
        added = pd.concat(rows, ignore_index=True)[REVIEW_COLUMNS]
        run.con.execute(f"insert into {queue} by name select * from "
                        f"{run.register('review', added)}")
    # a pair the change put into one cluster needs no decision any more
    crosswalk = run.table("crosswalk")
    run.con.execute(f"""
        delete from {queue} where {touches(run.id_keys)}
          and (select golden_id from {crosswalk} c where c.source = left_source
               and c.source_id = left_source_id)
            = (select golden_id from {crosswalk} c where c.source = right_source
               and c.source_id = right_source_id)""")


def _pairs_by_rid(run: IncrementalRun, pairs: pd.DataFrame) -> pd.DataFrame:
    """Scored pairs of record rids as review rows (sources and ids from the store)."""
    view = run.register("pairs", pairs[["rid_l", "rid_r", "match_probability",
                                        "match_weight", "evidence"]])
    records = run.table("records")
    return run.con.execute(f"""
        select l.source as left_source, l.source_id as left_source_id,
               r.source as right_source, r.source_id as right_source_id,
               p.match_probability, p.match_weight, p.evidence
        from {view} p join {records} l on l.{RID} = p.rid_l
        join {records} r on r.{RID} = p.rid_r""").df()


def _carry_unchanged_times(run: IncrementalRun, table: str, where: str, rows: pd.DataFrame,
                           keys: list[str]) -> pd.DataFrame:
    """`rows` with the stored `resolved_at` kept on every row whose other columns are as
    stored: `resolved_at` says when a record's golden id (or a profile) last changed.

    A change re-clusters a neighbourhood several times its size, and most of it comes
    out as it was; the dbt facts re-resolve the rows stamped since their last build,
    so a stamp on an unchanged row would rewrite its orders and journey for nothing.
    """
    if not len(rows):
        return rows
    columns = list(rows.columns)
    stored = run.con.execute(f"select {', '.join(columns)} from {run.table(table)} "
                             f"where {where}").df()
    if not len(stored):
        return rows
    merged = rows.merge(stored, on=keys, how="left", suffixes=("", "__stored"))
    same = merged["resolved_at__stored"].notna()
    for column in columns:
        if column in keys or column == "resolved_at":
            continue
        new, old = merged[column], merged[f"{column}__stored"]
        same &= (new == old) | (new.isna() & old.isna())
    out = rows.copy()
    out.loc[same.to_numpy(), "resolved_at"] = merged.loc[same, "resolved_at__stored"].to_numpy()
    return out


def _replace(run: IncrementalRun, table: str, where: str, rows: pd.DataFrame) -> None:
    target = run.table(table)
    run.con.execute(f"delete from {target} where {where}")
    if len(rows):
        run.con.execute(f"insert into {target} by name select * from "
                        f"{run.register(table, rows)}")
