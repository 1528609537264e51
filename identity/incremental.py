"""Incremental resolution: new and changed records against the clusters already built.

A full run standardises, blocks, fits and clusters everything; its cost grows
with the history. Most runs add or change a few records, so an incremental
run does only what they touch:

1. standardise the new and changed records (the stored ones keep their keys);
2. deterministic rules: regroup only the email, phone and cross-reference keys
   the changed records hold, over every record that shares them;
3. probabilistic linkage: block the changed records against the stored match
   keys in SQL (block caps and term frequencies counted over all records) and
   score them with the model the last full run fitted;
4. re-cluster only the clusters those links reach (and the ones that lost or
   changed a record), from their stored links plus the new ones, under the
   same guard as a full run;
5. carry golden ids over (`persistent_ids`) and replace the touched rows of
   the crosswalk, golden profiles, links, review queue and id history.

What it does not do: refit the model, or re-decide old pairs whose records did
not change. A run whose changes exceed `IdentitySettings.full_run_share` of
the records, or whose settings or input columns changed, is a full run
(`resolve_into` decides), so a scheduled full run keeps the model current.
Everything is written in one transaction: a failed run leaves the last state.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from identity.cluster import Guard, guarded_cluster_labels
from identity.golden import build_golden_profiles, golden_id
from identity.health import graph_health
from identity.match.blocking import delta_candidate_pairs, usable_rules
from identity.match.comparisons import default_comparisons, identifying
from identity.match.fellegi_sunter import MatchModel
from identity.match.keys import match_keys
from identity.match.linker import score_candidates
from identity.persist import load_id_state, write_result
from identity.persistent_ids import HISTORY_COLUMNS, REGISTRY_COLUMNS, IdState, assign_golden_ids
from identity.resolve import (
    MATCH_EDGE_COLUMNS,
    PROBABILISTIC,
    REVIEW_COLUMNS,
    STEWARD,
    IdentityResult,
    crosswalk_rows,
    evidence_texts,
    match_edge_rows,
    pair_codes,
    pair_frame,
    resolve,
)
from identity.rules import KEY_COLUMNS, candidate_edges
from identity.settings import IdentitySettings
from identity.standardise.records import standardise_records
from identity.state import (
    RECORD_HASH,
    RID,
    load_state,
    record_hashes,
    record_state,
    settings_fingerprint,
)
from identity.stewardship import apply_decisions, check_decisions
from identity.timing import StageTimer

log = logging.getLogger(__name__)

KEY = ["source", "source_id"]


@dataclass
class RunSummary:
    """What a run into the warehouse did: `full` or `incremental`, and its figures."""

    mode: str
    stats: dict[str, Any]
    events: pd.DataFrame
    #: the whole result of a full run (an incremental run changes rows in place)
    result: IdentityResult | None = None
    reason: str = ""


@dataclass
class Changes:
    """The difference between the records a run is given and the stored ones."""

    upserts: pd.DataFrame
    deleted: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=KEY))
    new: int = 0
    changed: int = 0


def resolve_into(
    con: duckdb.DuckDBPyConnection,
    records: pd.DataFrame,
    settings: IdentitySettings | None = None,
    *,
    schema: str = "identity",
    decisions: pd.DataFrame | None = None,
    resolved_at: pd.Timestamp | None = None,
    full: bool = False,
) -> RunSummary:
    """Resolve all current `records` into `schema`: incrementally when the stored state
    allows it, otherwise in full (and then store the state for the next run).

    `records` are every current record (data-contract section 4); which are new,
    changed or gone is worked out against the stored record hashes.
    """
    settings = settings or IdentitySettings()
    started = time.perf_counter()
    reason = _full_run_reason(con, records, settings, schema, full)
    changes = None
    if not reason:
        changes = diff_records(con, records, schema)
        stored = int(con.execute(f'select count(*) from "{schema}".records').fetchall()[0][0])
        moved = len(changes.upserts) + len(changes.deleted)
        if moved > settings.full_run_share * max(stored, 1):
            reason = (f"{moved:,} of {stored:,} records changed, over full_run_share "
                      f"{settings.full_run_share}")
    if reason:
        log.info("full identity run: %s", reason)
        result = resolve(records, settings, resolved_at=resolved_at, decisions=decisions,
                         previous=load_id_state(con, schema), keep_state=True)
        write_result(con, result, schema)
        stats = {**result.stats, "mode": "full", "full_run_reason": reason,
                 "seconds": round(time.perf_counter() - started, 3)}
        return RunSummary("full", stats, result.events, result, reason)
    assert changes is not None
    summary = resolve_changes(con, changes.upserts, settings, deleted=changes.deleted,
                              schema=schema, decisions=decisions, resolved_at=resolved_at)
    summary.stats.update(records_new=changes.new, records_changed=changes.changed,
                         seconds=round(time.perf_counter() - started, 3))
    return summary


def _full_run_reason(con: duckdb.DuckDBPyConnection, records: pd.DataFrame,
                     settings: IdentitySettings, schema: str, full: bool) -> str:
    """Why this run must be a full one, or "" when an incremental run is sound."""
    if full:
        return "a full run was asked for"
    state = load_state(con, schema)
    if state is None:
        return "no stored state (first run)"
    if state.fingerprint != settings_fingerprint(settings):
        return "the identity settings changed since the last full run"
    if settings.matching.enabled and state.model is None:
        return "the last run fitted no model"
    probe = _state_frame(records.head(1), settings)
    if list(probe.columns) != state.columns:
        return "the input's columns changed since the last full run"
    return ""


def diff_records(con: duckdb.DuckDBPyConnection, records: pd.DataFrame,
                 schema: str = "identity") -> Changes:
    """New and changed records (by their input hash) and the stored ones now gone."""
    records = records.astype({"source": str, "source_id": str})
    keyed = pd.DataFrame({"source": records["source"].to_numpy(),
                          "source_id": records["source_id"].to_numpy(),
                          "h": record_hashes(records), "position": np.arange(len(records))})
    view = f"_identity_diff_{uuid.uuid4().hex[:8]}"
    con.register(view, keyed)
    try:
        moved = con.execute(f"""
            select k.position, r.source is null as is_new
            from {view} k left join "{schema}".records r using (source, source_id)
            where r.source is null or r.{RECORD_HASH} <> k.h""").df()
        deleted = con.execute(f"""
            select r.source, r.source_id from "{schema}".records r
            anti join {view} k using (source, source_id)""").df()
    finally:
        con.unregister(view)
    upserts = records.iloc[moved["position"].to_numpy()]
    new = int(moved["is_new"].sum())
    return Changes(upserts, deleted, new, len(moved) - new)


def _state_frame(records: pd.DataFrame, settings: IdentitySettings) -> pd.DataFrame:
    """The stored-records rows of `records` (positions as provisional rids)."""
    std = standardise_records(records.reset_index(drop=True), settings)
    keys = match_keys(std) if settings.matching.enabled else None
    return record_state(std, keys, record_hashes(records))


def resolve_changes(
    con: duckdb.DuckDBPyConnection,
    upserts: pd.DataFrame,
    settings: IdentitySettings | None = None,
    *,
    deleted: pd.DataFrame | None = None,
    schema: str = "identity",
    decisions: pd.DataFrame | None = None,
    resolved_at: pd.Timestamp | None = None,
) -> RunSummary:
    """Apply new or changed records (`upserts`, whole records) and deletions (`deleted`:
    source, source_id) to the identity tables of `schema`, touching only what they reach.

    Needs the state a full run stored with the same settings (`resolve_into`
    runs one first when there is none).
    """
    settings = settings or IdentitySettings()
    state = load_state(con, schema)
    if state is None:
        raise ValueError(f"no stored identity state in schema {schema!r}: run a full "
                         "resolution first (resolve_into)")
    if state.fingerprint != settings_fingerprint(settings):
        raise ValueError("the identity settings changed since the last full run: "
                         "run a full resolution (resolve_into(..., full=True))")
    if resolved_at is None:
        resolved_at = pd.Timestamp.now(tz="UTC").tz_localize(None).floor("us")
    upserts = upserts.astype({"source": str, "source_id": str})
    duplicated = upserts.duplicated(KEY)
    if duplicated.any():
        raise ValueError(f"{int(duplicated.sum())} duplicated (source, source_id) in the "
                         "changed records")
    upserts = upserts.sort_values(KEY, kind="stable", ignore_index=True)
    deleted = (pd.DataFrame(columns=KEY) if deleted is None
               else deleted[KEY].astype(str).drop_duplicates(ignore_index=True))
    run = _Run(con, schema, settings, state.model, resolved_at, decisions)
    started = time.perf_counter()
    with run.timer.stage("standardise"):
        frame = _state_frame(upserts, settings)
    if list(frame.columns) != state.columns:
        raise ValueError("the changed records' columns differ from the stored ones: run a "
                         "full resolution")
    con.begin()
    try:
        run.apply(frame, deleted)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    finally:
        run.close()
    stats = {"mode": "incremental", "records_upserted": len(upserts),
             "records_deleted": run.deleted_count, **run.stats, **run.timer.seconds,
             "seconds": round(time.perf_counter() - started, 3)}
    stats["id_events"] = run.events["event"].value_counts().to_dict()
    log.info("incremental identity run: %s", stats)
    return RunSummary("incremental", stats, run.events)


class _Run:
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

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        with self.timer.stage(name):
            yield

    # -- the run -----------------------------------------------------------------------

    def apply(self, frame: pd.DataFrame, deleted: pd.DataFrame) -> None:
        with self.stage("store_records"):
            delta = self.store_records(frame, deleted)
        with self.stage("rules"):
            rule_edges, regrouped, grouped_rids = self.rule_edges(delta)
        with self.stage("linkage"):
            scored = self.scored_pairs()
        with self.stage("neighbourhood"):
            std = self.neighbourhood(delta, grouped_rids, scored)
        with self.stage("cluster"):
            clustered = self.cluster(std, rule_edges, regrouped, scored)
        with self.stage("golden_ids"):
            ids = self.golden_ids(std, clustered.labels)
        with self.stage("write"):
            self.write(std, clustered, ids, scored)

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
        empty = pd.DataFrame({"rid_l": pd.Series(dtype=np.int64),
                              "rid_r": pd.Series(dtype=np.int64),
                              "match_weight": pd.Series(dtype=float),
                              "match_probability": pd.Series(dtype=float)})
        self.model = None
        if not settings.enabled or self.model_data is None:
            return empty
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
                scored: pd.DataFrame) -> _Clustered:
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
        n = len(std)
        refused = pair_codes(clusters.refused, n)
        trusted = trusted[~np.isin(pair_codes(trusted, n), refused)]
        ruled = pair_codes(rules, n)
        accepted = candidates[~np.isin(pair_codes(candidates, n),
                                       np.concatenate([refused, ruled]))]
        guarded = candidates.merge(clusters.refused, on=["rid_l", "rid_r"])
        self.stats["probabilistic_links_new"] = len(new_scored)
        self.stats["guard_refused"] = len(clusters.refused)
        return _Clustered(clusters.labels, trusted, accepted, guarded)

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

    def write(self, std: pd.DataFrame, clustered: _Clustered, ids: np.ndarray,
              scored: pd.DataFrame) -> None:
        """Replace the neighbourhood's rows in every identity table."""
        con, settings = self.con, self.settings
        state = self.assignment.state
        old_ids = self.register("old_ids", pd.DataFrame({"golden_id": self.registry_ids},
                                                        dtype=object))
        self._replace("golden_id_registry", f"golden_id in (select golden_id from {old_ids})",
                      state.registry[REGISTRY_COLUMNS])
        merges = self.events[self.events["event"] == "merge"]
        for winner, loser in zip(merges["golden_id"], merges["other_id"], strict=True):
            con.execute(f"update {self.table('golden_id_registry')} set alias_of = ? "
                        "where alias_of = ?", [winner, loser])
        def in_keys(table: str) -> str:
            # qualified: inside the subquery a bare `source` is the key view's own
            qualified = self.table(table)
            return _has_key(self.id_keys, f"{qualified}.source", f"{qualified}.source_id")

        self._replace("crosswalk_history", in_keys("crosswalk_history"),
                      state.history[HISTORY_COLUMNS])
        labels = clustered.labels
        golden = build_golden_profiles(std, labels, ids, settings, self.resolved_at)
        prior = self.register("prior_ids", pd.DataFrame(
            {"golden_id": sorted(self.touched_ids | set(golden["golden_id"]))}, dtype=object))
        self._replace("golden_profiles", f"golden_id in (select golden_id from {prior})", golden)
        edges = pd.concat([clustered.trusted[["rid_l", "rid_r", "rule"]],
                           clustered.accepted[["rid_l", "rid_r"]].assign(rule=PROBABILISTIC)],
                          ignore_index=True)
        crosswalk = crosswalk_rows(std, edges, ids, self.resolved_at)
        self._replace("crosswalk", in_keys("crosswalk"), crosswalk)
        links = match_edge_rows(std, clustered.trusted, clustered.accepted,
                                clustered.accepted["evidence"].to_numpy(dtype=object))
        touching = _touches(self.id_keys)
        self._replace("match_edges", touching, links[MATCH_EDGE_COLUMNS])
        self._write_review(std, clustered, scored)
        con.execute(f"insert into {self.table('identity_events')} by name select * from "
                    f"{self.register('events', self.events)}")
        sizes = con.execute(f"select member_count from {self.table('golden_profiles')}").df()
        queue = int(con.execute(f"select count(*) from {self.table('review_queue')}"
                                ).fetchall()[0][0])
        self.stats["health"] = graph_health(sizes, pd.DataFrame(index=range(queue)))
        self.stats["clusters_written"] = len(golden)

    def _write_review(self, std: pd.DataFrame, clustered: _Clustered,
                      scored: pd.DataFrame) -> None:
        """The delta's pairs a steward should see, and the neighbourhood's guard refusals;
        pairs that now sit inside one cluster leave the queue."""
        settings = self.settings.matching
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
            rows.append(self._pairs_by_rid(weak).assign(reason=reason))
        if len(clustered.guarded):
            refused = clustered.guarded
            frame = pair_frame(std, refused)
            for column in ("match_probability", "match_weight", "evidence"):
                frame[column] = refused[column].to_numpy()
            frame["reason"] = ("guard:" + refused["reason"]).to_numpy()
            rows.append(frame)
        queue = self.table("review_queue")
        self.con.execute(
            f"delete from {queue} where {_touches(self.superseded_view)} or "
            f"(reason like 'guard:%' and {_touches(self.id_keys)})")
        if rows:
            added = pd.concat(rows, ignore_index=True)[REVIEW_COLUMNS]
            self.con.execute(f"insert into {queue} by name select * from "
                             f"{self.register('review', added)}")
        # a pair the change put into one cluster needs no decision any more
        crosswalk = self.table("crosswalk")
        self.con.execute(f"""
            delete from {queue} where {_touches(self.id_keys)}
              and (select golden_id from {crosswalk} c where c.source = left_source
                   and c.source_id = left_source_id)
                = (select golden_id from {crosswalk} c where c.source = right_source
                   and c.source_id = right_source_id)""")

    def _pairs_by_rid(self, pairs: pd.DataFrame) -> pd.DataFrame:
        """Scored pairs of record rids as review rows (sources and ids from the store)."""
        view = self.register("pairs", pairs[["rid_l", "rid_r", "match_probability",
                                             "match_weight", "evidence"]])
        records = self.table("records")
        return self.con.execute(f"""
            select l.source as left_source, l.source_id as left_source_id,
                   r.source as right_source, r.source_id as right_source_id,
                   p.match_probability, p.match_weight, p.evidence
            from {view} p join {records} l on l.{RID} = p.rid_l
            join {records} r on r.{RID} = p.rid_r""").df()

    def _replace(self, table: str, where: str, rows: pd.DataFrame) -> None:
        target = self.table(table)
        self.con.execute(f"delete from {target} where {where}")
        if len(rows):
            self.con.execute(f"insert into {target} by name select * from "
                             f"{self.register(table, rows)}")


@dataclass
class _Clustered:
    labels: np.ndarray
    #: trusted links that stand, accepted scored links, and scored links the guard refused
    trusted: pd.DataFrame
    accepted: pd.DataFrame
    guarded: pd.DataFrame


def _has_key(view: str, source: str, source_id: str) -> str:
    """SQL: (`source`, `source_id`) is one of the keys in `view`."""
    return (f"exists (select 1 from {view} k where k.source = {source} "
            f"and k.source_id = {source_id})")


def _touches(view: str) -> str:
    """SQL: a pair row (left_/right_source, _source_id) has a side among the keys in `view`."""
    return (f"({_has_key(view, 'left_source', 'left_source_id')} or "
            f"{_has_key(view, 'right_source', 'right_source_id')})")


def _ordered(pairs: pd.DataFrame) -> pd.DataFrame:
    """Pairs with integer positions, smaller first."""
    if pairs.empty:
        return pairs.astype({"rid_l": np.int64, "rid_r": np.int64})
    left = pairs["rid_l"].to_numpy(dtype=np.int64)
    right = pairs["rid_r"].to_numpy(dtype=np.int64)
    return pairs.assign(rid_l=np.minimum(left, right), rid_r=np.maximum(left, right))
