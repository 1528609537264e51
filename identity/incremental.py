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
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from identity.incremental_run import IncrementalRun
from identity.match.keys import match_keys
from identity.persist import load_id_state, write_result
from identity.resolve import IdentityResult, resolve
from identity.settings import IdentitySettings
from identity.standardise.records import standardise_records
from identity.state import (
    RECORD_HASH,
    load_state,
    record_hashes,
    record_state,
    settings_fingerprint,
)

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
    run = IncrementalRun(con, schema, settings, state.model, resolved_at, decisions)
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
