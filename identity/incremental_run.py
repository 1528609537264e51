"""One incremental run's steps over the stored state (see `identity.incremental`).

store the changed records -> regroup the rule keys they hold -> block and score
them against the stored match keys -> gather the neighbourhood (every cluster
the change reaches) -> re-cluster it from its stored links and the new ones ->
carry golden ids over -> write (`identity.incremental_write`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from identity.cluster import Guard, guarded_cluster_labels
from identity.golden import golden_id
from identity.incremental_write import write_changes
from identity.match.blocking import delta_candidate_pairs, usable_rules
from identity.match.comparisons import default_comparisons, identifying
from identity.match.fellegi_sunter import MatchModel
from identity.match.linker import score_candidates
from identity.persistent_ids import IdState, assign_golden_ids
from identity.resolve import (
    PROBABILISTIC,
    STEWARD,
    empty_scored,
    evidence_texts,
    standing_links,
)
from identity.rules import KEY_COLUMNS, candidate_edges
from identity.settings import IdentitySettings
from identity.state import RID
from identity.stewardship import apply_decisions, check_decisions
from identity.timing import StageTimer

KEY = ["source", "source_id"]


class IncrementalRun:
    """One incremental run's steps, sharing the connection, the schema and what they found."""

    def __init__(self, con: duckdb.DuckDBPyConnection, schema: str,
                 settings: IdentitySettings, model: dict | None,
                 resolved_at: pd.Timestamp, decisions: pd.DataFrame | None) -> None:
        self.con, self.schema, self.settings = con, schema, settings
        self.model_data, self.resolved_at, self.decisions = model, resolved_at, decisions
        self.timer = StageTimer(suffix="_seconds")
        self.stats: dict[str, Any] = {}
        self.events = pd.DataFrame()
        self.deleted_count = 0
        self._views: list[str] = []
        self._temps: list[str] = []

    # -- plumbing --------------------------------------------------------------------

    def table(self, name: str) -> str:
        return f'"{self.schema}".{name}'

    def register(self, name: str, frame: pd.DataFrame) -> str:
        view = f"_inc_{name}_{uuid.uuid4().hex[:8]}"
        self.con.register(view, frame)
        self._views.append(view)
        return view

    def temp(self, name: str, select: str) -> str:
        self.con.execute(f"create or replace temp table {name} as {select}")
        self._temps.append(name)
        return name

    def close(self) -> None:
        for view in self._views:
            self.con.unregister(view)
        for name in self._temps:
            self.con.execute(f"drop table if exists {name}")


    # -- the run -----------------------------------------------------------------------

    def apply(self, frame: pd.DataFrame, deleted: pd.DataFrame) -> None:
        with self.timer.stage("store_records"):
            delta = self.store_records(frame, deleted)
        with self.timer.stage("rules"):
            rule_edges, regrouped, grouped_rids = self.rule_edges(delta)
        with self.timer.stage("linkage"):
            scored = self.scored_pairs()
        with self.timer.stage("neighbourhood"):
            std = self.neighbourhood(delta, grouped_rids, scored)
        with self.timer.stage("cluster"):
            clustered = self.cluster(std, rule_edges, regrouped, scored)
        with self.timer.stage("golden_ids"):
            ids = self.golden_ids(std, clustered.labels)
        with self.timer.stage("write"):
            write_changes(self, std, clustered, ids, scored)

    def store_records(self, frame: pd.DataFrame, deleted: pd.DataFrame) -> np.ndarray:
        """Replace the stored rows of changed and deleted records; new rows get fresh rids.

        Returns the rids of the upserted records (the delta)."""
        con, records = self.con, self.table("records")
        gone = pd.concat([frame[KEY], deleted], ignore_index=True)
        self.superseded_view = self.register("superseded", gone)
        old = con.execute(f"""
            select r.{RID}, r.source, r.source_id, c.golden_id, d.source is not null as deleted
            from {records} r join {self.superseded_view} g using (source, source_id)
            left join {self.table('crosswalk')} c using (source, source_id)
            left join (select * from {self.register('deleted', deleted)}) d
                using (source, source_id)""").df()
        self.deleted_count = int(old["deleted"].sum())
        self.deleted_keys = old.loc[old["deleted"], KEY].reset_index(drop=True)
        self.superseded_ids = set(old["golden_id"].dropna())
        first = int(con.execute(f"select coalesce(max({RID}), -1) + 1 from {records}"
                                ).fetchall()[0][0])
        con.execute(f"delete from {records} where {RID} in "
                    f"(select {RID} from {self.register('old', old[[RID]])})")
        frame = frame.copy(deep=False)
        frame[RID] = np.arange(first, first + len(frame), dtype=np.int64)
        con.execute(f"insert into {records} by name select * from "
                    f"{self.register('upserts', frame)}")
        self.delta_table = self.temp("inc_delta", f"select {RID} as rid from "
                                                  f"{self.register('delta', frame[[RID]])}")
        self.stats["delta_records"] = len(frame)
        return frame[RID].to_numpy()

    def rule_edges(self, delta: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
        """The rules' links of the groups the delta's keys are in, recomputed over every
        record in them (a group's junk cap and ambiguity depend on all its members).

        Returns the links (record rids), the (rule, key) groups they replace, and
        the rids of every record in those groups.
        """
        settings, records = self.settings, self.table("records")
        delta_rows = f"(select * from {records} where {RID} in (select rid from inc_delta))"
        conditions, keys = [], []
        for rule in settings.rules:
            if rule == "cross_ref":
                cross = settings.cross_ref
                conditions.append(
                    f"(source = '{cross.to_source}' and source_id_key in (select cross_ref_key "
                    f"from {delta_rows} where source = '{cross.from_source}'))")
                conditions.append(
                    f"(source = '{cross.from_source}' and cross_ref_key in (select "
                    f"source_id_key from {delta_rows} where source = '{cross.to_source}'))")
                continue
            for column in KEY_COLUMNS[rule]:
                keys.append(f"select '{rule}' as rule, {column} as key from {delta_rows} "
                            f"where {column} is not null")
        regrouped = (self.con.execute(" union ".join(keys)).df() if keys
                     else pd.DataFrame(columns=["rule", "key"]))
        groups = self.register("groups", regrouped)
        for rule in settings.rules:
            if rule != "cross_ref":
                conditions += [f"{column} in (select key from {groups} where rule = '{rule}')"
                               for column in KEY_COLUMNS[rule]]
        where = " or ".join([f"{RID} in (select rid from inc_delta)", *conditions])
        members = self.con.execute(f"select * from {records} where {where}").df()
        found = candidate_edges(members, settings)
        rids = members[RID].to_numpy(dtype=np.int64)
        edges = found.edges.copy()
        left, right = rids[edges["rid_l"].to_numpy(int)], rids[edges["rid_r"].to_numpy(int)]
        edges["rid_l"], edges["rid_r"] = np.minimum(left, right), np.maximum(left, right)
        wanted = pd.MultiIndex.from_frame(regrouped[["rule", "key"]].astype(str))
        in_group = pd.MultiIndex.from_arrays([edges["rule"].astype(str),
                                              edges["key"].astype(str)]).isin(wanted)
        touches = np.isin(edges["rid_l"], delta) | np.isin(edges["rid_r"], delta)
        cross = (edges["rule"] == "cross_ref").to_numpy()
        edges = edges[np.where(cross, touches, in_group)].reset_index(drop=True)
        self.stats["rule_links_found"] = len(edges)
        self.skipped_keys = found.skipped_keys
        return edges, regrouped, rids

    def scored_pairs(self) -> pd.DataFrame:
        """The delta's candidate pairs scored with the stored model (rids), over review."""
        settings = self.settings.matching
        self.model = None
        if not settings.enabled or self.model_data is None:
            return empty_scored()
        con, records = self.con, self.table("records")
        columns = [row[0] for row in con.execute(f"describe {records}").fetchall()]
        model = MatchModel.from_dict(self.model_data, default_comparisons(columns))
        self.model = model
        rules = usable_rules(settings.rules(), columns)
        self.temp("inc_delta_records", f"select * from {records} where {RID} in "
                                       "(select rid from inc_delta)")
        blocking = delta_candidate_pairs(con, records, "inc_delta_records", rules,
                                         settings.link_type,
                                         settings.max_block_size, into="inc_pairs")
        self._temps.append("inc_pairs")
        self.stats["candidate_pairs"] = int(blocking["new_pairs"].sum())
        self.temp("inc_pair_records", f"""
            select * from {records} where {RID} in
                (select rid_l from inc_pairs union select rid_r from inc_pairs)""")
        tf_columns = sorted({c.term_frequency for c in model.comparisons if c.term_frequency})
        joins, selects = [], []
        for column in tf_columns:
            name = self.temp(f"inc_tf_{column}", f"""
                select {column} as v, count(*) as n from {records}
                where {column} in (select {column} from inc_pair_records) group by all""")
            joins.append(f"left join {name} on p.{column} = {name}.v")
            selects.append(f"{name}.n as tf_{column}")
        self.temp("inc_scoring_records", f"""
            select p.*{''.join(', ' + s for s in selects)}
            from inc_pair_records p {' '.join(joins)}""")
        pairs = score_candidates(con, model, settings.review_threshold, "inc_pairs",
                                 "inc_scoring_records")
        strong = pairs["match_probability"].to_numpy() >= settings.match_threshold
        if settings.require_identifying:
            strong &= identifying(pairs, model.comparisons)
        pairs["strong"] = strong
        pairs["evidence"] = evidence_texts(pairs, model.comparisons).to_numpy()
        self.stats["pairs_over_review"] = len(pairs)
        return pairs

    def neighbourhood(self, delta: np.ndarray, grouped: np.ndarray,
                      scored: pd.DataFrame) -> pd.DataFrame:
        """Every record of every cluster the change reaches, plus the delta, as the
        standardised rows of `identity.records` in (source, source_id) order."""
        strong = scored[scored["strong"]] if len(scored) else scored
        reached = np.unique(np.concatenate([
            delta, grouped, strong["rid_l"].to_numpy(np.int64),
            strong["rid_r"].to_numpy(np.int64)]))
        con, records = self.con, self.table("records")
        ids = con.execute(f"""
            select distinct c.golden_id from {records} r
            join {self.table('crosswalk')} c using (source, source_id)
            where r.{RID} in (select rid from {self.register('reached',
                                                             pd.DataFrame({'rid': reached}))})
            """).df()["golden_id"]
        self.touched_ids = set(ids) | self.superseded_ids | self._decided_ids()
        touched = self.register("touched_ids", pd.DataFrame(
            {"golden_id": sorted(self.touched_ids)}, dtype=object))
        std = con.execute(f"""
            select r.* from {records} r
            where r.{RID} in (select rid from inc_delta)
               or exists (select 1 from {self.table('crosswalk')} c semi join {touched} t
                          using (golden_id)
                          where c.source = r.source and c.source_id = r.source_id)""").df()
        std = std.sort_values(KEY, kind="stable", ignore_index=True)
        self.neighbourhood_keys = self.register(
            "neighbourhood", pd.DataFrame({"source": std["source"], "source_id": std["source_id"],
                                           "pos": np.arange(len(std))}))
        self.stats["touched_clusters"] = len(self.touched_ids)
        self.stats["reclustered_records"] = len(std)
        return std

    def _decided_ids(self) -> set[str]:
        """The golden ids of every record a steward's decision names.

        A decision may be new since the last run (`cdpkit identity split` writes
        cannot-links and expects the next run to split), so its clusters are
        re-clustered on every run; decisions are few, so this costs little.
        """
        if self.decisions is None or self.decisions.empty:
            return set()
        decisions = check_decisions(self.decisions)
        named = pd.concat([
            decisions[["left_source", "left_source_id"]].set_axis(KEY, axis=1),
            decisions[["right_source", "right_source_id"]].set_axis(KEY, axis=1)],
            ignore_index=True).drop_duplicates()
        view = self.register("decided", named)
        return set(self.con.execute(f"""
            select distinct c.golden_id from {self.table('crosswalk')} c
            semi join {view} d using (source, source_id)""").df()["golden_id"])

    def stored_links(self, regrouped: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The neighbourhood's stored links that still stand, by position: trusted
        (rules) and scored (accepted or refused by the guard last time)."""
        con, keys = self.con, self.neighbourhood_keys
        groups = self.register("regrouped", regrouped.astype(str))
        trusted = con.execute(f"""
            select l.pos as rid_l, r.pos as rid_r, e.rule, e.key
            from {self.table('match_edges')} e
            join {keys} l on l.source = e.left_source and l.source_id = e.left_source_id
            join {keys} r on r.source = e.right_source and r.source_id = e.right_source_id
            where e.rule not in ('{PROBABILISTIC}', '{STEWARD}')
              and not exists (select 1 from {groups} g where g.rule = e.rule and g.key = e.key)
              and not {self._superseded('e')}""").df()
        scored = con.execute(f"""
            select l.pos as rid_l, r.pos as rid_r, e.match_weight, e.match_probability,
                   e.evidence
            from (select left_source, left_source_id, right_source, right_source_id,
                         match_weight, match_probability, evidence
                  from {self.table('match_edges')} where rule = '{PROBABILISTIC}'
                  union all
                  select left_source, left_source_id, right_source, right_source_id,
                         match_weight, match_probability, evidence
                  from {self.table('review_queue')} where reason like 'guard:%') e
            join {keys} l on l.source = e.left_source and l.source_id = e.left_source_id
            join {keys} r on r.source = e.right_source and r.source_id = e.right_source_id
            where not {self._superseded('e')}""").df()
        return _ordered(trusted), _ordered(scored)

    def _superseded(self, alias: str) -> str:
        """SQL: the link `alias` touches a record that changed or is gone.

        Two equality tests, not one with an OR: each becomes a hash join, where
        the OR made DuckDB compare every link with every changed record."""
        view = self.superseded_view
        return (f"(exists (select 1 from {view} s where s.source = {alias}.left_source "
                f"and s.source_id = {alias}.left_source_id) or exists (select 1 from {view} s "
                f"where s.source = {alias}.right_source "
                f"and s.source_id = {alias}.right_source_id))")

    def cluster(self, std: pd.DataFrame, rule_edges: pd.DataFrame, regrouped: pd.DataFrame,
                scored: pd.DataFrame) -> Clustered:
        settings = self.settings
        position = pd.Series(np.arange(len(std)), index=std[RID].to_numpy())
        old_trusted, old_scored = self.stored_links(regrouped)
        new_rules = _ordered(rule_edges.assign(
            rid_l=position.reindex(rule_edges["rid_l"]).to_numpy(),
            rid_r=position.reindex(rule_edges["rid_r"]).to_numpy()).dropna(
                subset=["rid_l", "rid_r"]))
        strong = scored[scored["strong"]] if len(scored) else scored
        new_scored = _ordered(pd.DataFrame({
            "rid_l": position.reindex(strong["rid_l"]).to_numpy(),
            "rid_r": position.reindex(strong["rid_r"]).to_numpy(),
            "match_weight": strong["match_weight"].to_numpy(),
            "match_probability": strong["match_probability"].to_numpy(),
            "evidence": strong["evidence"].to_numpy() if len(strong) else []}).dropna(
                subset=["rid_l", "rid_r"]))
        applied = apply_decisions(std, self.decisions)
        self.stats["steward_decisions"] = {"must_link": len(applied.must_link),
                                           "cannot_link": len(applied.cannot_link)}
        rules = pd.concat([old_trusted, new_rules], ignore_index=True)
        rules = rules.drop_duplicates(["rid_l", "rid_r", "rule"], ignore_index=True)
        trusted = pd.concat([applied.must_link.assign(rule=STEWARD, key=None), rules],
                            ignore_index=True)
        # a pair scored again keeps its newest score
        candidates = pd.concat([new_scored, old_scored], ignore_index=True)
        candidates = candidates.drop_duplicates(["rid_l", "rid_r"], ignore_index=True)
        guard = Guard.from_records(std, settings.guard.cluster_first_name_jw,
                                   settings.guard.cluster_conflicts, applied.cannot_link)
        clusters = guarded_cluster_labels(len(std), trusted, candidates, guard,
                                          settings.max_cluster_size)
        trusted, accepted = standing_links(trusted, candidates, rules, clusters.refused,
                                           len(std))
        guarded = candidates.merge(clusters.refused, on=["rid_l", "rid_r"])
        self.stats["probabilistic_links_new"] = len(new_scored)
        self.stats["guard_refused"] = len(clusters.refused)
        return Clustered(clusters.labels, trusted, accepted, guarded)

    def golden_ids(self, std: pd.DataFrame, labels: np.ndarray) -> np.ndarray:
        """Golden ids for the neighbourhood from its records' own registry and history."""
        con = self.con
        keys = pd.concat([std[KEY], self.deleted_keys], ignore_index=True)
        self.id_keys = self.register("id_keys", keys)
        anchors = [golden_id(s, i) for s, i in zip(std["source"], std["source_id"],
                                                    strict=True)]
        candidates = self.register("id_candidates", pd.DataFrame(
            {"golden_id": sorted(self.touched_ids | set(anchors))}, dtype=object))
        registry = con.execute(f"""
            select * from {self.table('golden_id_registry')}
            semi join {candidates} using (golden_id)""").df()
        history = con.execute(f"""
            select * from {self.table('crosswalk_history')}
            semi join {self.id_keys} using (source, source_id)""").df()
        self.registry_ids = registry["golden_id"].tolist()
        assignment = assign_golden_ids(std, labels, IdState(registry, history),
                                       self.resolved_at)
        self.assignment = assignment
        self.events = assignment.events
        return assignment.ids


@dataclass
class Clustered:
    labels: np.ndarray
    #: trusted links that stand, accepted scored links, and scored links the guard refused
    trusted: pd.DataFrame
    accepted: pd.DataFrame
    guarded: pd.DataFrame


def _ordered(pairs: pd.DataFrame) -> pd.DataFrame:
    """Pairs with integer positions, smaller first."""
    if pairs.empty:
        return pairs.astype({"rid_l": np.int64, "rid_r": np.int64})
    left = pairs["rid_l"].to_numpy(dtype=np.int64)
    right = pairs["rid_r"].to_numpy(dtype=np.int64)
    return pairs.assign(rid_l=np.minimum(left, right), rid_r=np.maximum(left, right))
