"""Incremental resolution: the same clusters as a full run, at the cost of the change."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from identity.evaluate import pairwise_scores
from identity.febrl import febrl_settings, febrl_table
from identity.incremental import diff_records, resolve_changes, resolve_into
from identity.interface import to_records
from identity.settings import IdentitySettings
from sandbox.world import generate_world
from sandbox.world.identity_input import world_records
from tests.identity.identity_records import frame, record

TABLES = ("crosswalk", "golden_profiles", "match_edges", "review_queue", "crosswalk_history",
          "golden_id_registry", "records")


def _crosswalk(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.sql("select source, source_id, golden_id from identity.crosswalk").df()


def _same_clusters(a: pd.DataFrame, b: pd.DataFrame) -> float:
    """Pairwise F1 of one clustering against the other as truth (1.0: identical)."""
    truth = b.rename(columns={"golden_id": "person_id"})
    return pairwise_scores(a, truth, collections=None).f1


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.sql(f"select count(*) from identity.{t}").fetchall()[0][0] for t in TABLES}


@pytest.fixture(scope="module")
def febrl3() -> tuple[pd.DataFrame, IdentitySettings]:
    table = febrl_table("febrl3")
    return to_records(table.drop(columns="true_id")), febrl_settings("febrl3")


def test_new_records_join_the_clusters_a_full_run_would_build(febrl3) -> None:
    records, settings = febrl3
    held = np.random.default_rng(0).random(len(records)) < 0.05
    con = duckdb.connect()
    first = resolve_into(con, records[~held], settings)
    assert first.mode == "full" and "first run" in first.reason
    second = resolve_into(con, records, settings)
    assert second.mode == "incremental", second.reason
    assert second.stats["records_new"] == int(held.sum())
    # only the clusters the new records reach are rebuilt
    assert second.stats["reclustered_records"] < len(records) / 4
    full = duckdb.connect()
    resolve_into(full, records, settings)
    assert _same_clusters(_crosswalk(con), _crosswalk(full)) == 1.0
    counts = _counts(con)
    assert counts["crosswalk"] == counts["records"] == len(records)
    assert counts["golden_profiles"] == _counts(full)["golden_profiles"]


def test_ids_of_untouched_and_grown_clusters_survive(febrl3) -> None:
    records, settings = febrl3
    held = np.random.default_rng(1).random(len(records)) < 0.02
    con = duckdb.connect()
    resolve_into(con, records[~held], settings)
    before = _crosswalk(con).set_index(["source", "source_id"])["golden_id"]
    resolve_into(con, records, settings)
    after = _crosswalk(con).set_index(["source", "source_id"])["golden_id"]
    merged = set(con.sql("select other_id from identity.identity_events "
                         "where event = 'merge'").df()["other_id"])
    kept = before[~before.isin(merged)]
    assert (after.reindex(kept.index) == kept).all()
    # a merged-away id is an alias of the id that survived
    aliases = con.sql("select golden_id, alias_of from identity.golden_id_registry "
                      "where alias_of is not null").df()
    assert set(aliases["golden_id"]) == merged
    assert set(aliases["alias_of"]) <= set(after)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> pd.DataFrame:
    out = tmp_path_factory.mktemp("world")
    generate_world(out, people=1500, seed=11)
    return world_records(out)


def test_changes_and_deletions_match_a_full_run_on_a_world(world) -> None:
    """Households, namesakes, junk keys and rules: changed emails split clusters,
    deleted records leave every table, and the result equals a full run's."""
    rng = np.random.default_rng(2)
    held = rng.random(len(world)) < 0.03
    con = duckdb.connect()
    resolve_into(con, world[~held])
    current = world.copy()
    changed = (rng.random(len(current)) < 0.01) & current["email"].notna()
    current.loc[changed, "email"] = "changed." + current.loc[changed, "email"]
    gone = (rng.random(len(current)) < 0.005) & ~held
    current = current[~gone]
    run = resolve_into(con, current)
    assert run.mode == "incremental", run.reason
    assert run.stats["records_changed"] == int((changed & ~gone & ~held).sum())
    assert run.stats["records_deleted"] == int(gone.sum())
    full = duckdb.connect()
    resolve_into(full, current)
    assert _same_clusters(_crosswalk(con), _crosswalk(full)) == 1.0
    counts, expected = _counts(con), _counts(full)
    for table in ("crosswalk", "golden_profiles", "match_edges", "records"):
        assert counts[table] == expected[table], table
    con.register("gone", world.loc[gone, ["source", "source_id"]])
    for table, (s, i) in {"crosswalk": ("source", "source_id"),
                          "records": ("source", "source_id"),
                          "match_edges": ("left_source", "left_source_id"),
                          "review_queue": ("left_source", "left_source_id")}.items():
        left = con.sql(f"select count(*) from identity.{table} t join gone g "
                       f"on t.{s} = g.source and t.{i} = g.source_id").fetchall()[0][0]
        assert left == 0, table
    history = con.sql("select count(*) from identity.crosswalk_history h join gone g "
                      "using (source, source_id) where valid_to is null").fetchall()[0][0]
    assert history == 0  # a deleted record's crosswalk row is closed, not left open
    members = con.sql("select sum(member_count) from identity.golden_profiles").fetchall()
    assert members[0][0] == len(current)


def test_a_changed_record_that_leaves_its_cluster_splits_it() -> None:
    people = frame(
        record("shop", "1", first_name="Ann", last_name="Lee", email="ann@x.org"),
        record("erp", "1", first_name="Ann", last_name="Lee", email="ann@x.org"),
        record("shop", "2", first_name="Bob", last_name="Ray", email="bob@x.org"),
    )
    settings = IdentitySettings(full_run_share=1.0)  # one record of three is a third
    con = duckdb.connect()
    resolve_into(con, people, settings)
    ids = _crosswalk(con).set_index(["source", "source_id"])["golden_id"]
    assert ids[("shop", "1")] == ids[("erp", "1")]
    moved = people.copy()
    moved.loc[1, "email"] = "other@x.org"
    moved.loc[1, "first_name"] = "Zed"
    again = resolve_into(con, moved, settings)
    assert again.mode == "incremental", again.reason
    after = _crosswalk(con).set_index(["source", "source_id"])["golden_id"]
    assert after[("shop", "1")] != after[("erp", "1")]
    assert "split" in set(again.events["event"])
    profiles = con.sql("select golden_id, member_count from identity.golden_profiles").df()
    assert sorted(profiles["member_count"]) == [1, 1, 1]


def test_a_large_change_or_new_settings_run_in_full(febrl3) -> None:
    records, settings = febrl3
    con = duckdb.connect()
    resolve_into(con, records.iloc[:3000], settings)
    run = resolve_into(con, records, settings)  # 2,000 new of 3,000: over 20 %
    assert run.mode == "full" and "full_run_share" in run.reason
    stricter = IdentitySettings.from_dict({"guard": {"cluster_conflicts": []},
                                           "matching": {"require_identifying": False,
                                                        "match_threshold": 0.99}})
    changed = resolve_into(con, records, stricter)
    assert changed.mode == "full" and "settings changed" in changed.reason
    assert resolve_into(con, records, stricter, full=True).reason == "a full run was asked for"
    with pytest.raises(ValueError, match="settings changed"):
        resolve_changes(con, records.iloc[:5], settings)


def test_resolve_changes_needs_a_stored_state(febrl3) -> None:
    records, settings = febrl3
    with pytest.raises(ValueError, match="run a full resolution first"):
        resolve_changes(duckdb.connect(), records.iloc[:5], settings)


def test_a_failed_run_leaves_the_last_state(febrl3) -> None:
    records, settings = febrl3
    con = duckdb.connect()
    resolve_into(con, records.iloc[:4000], settings)
    before = _counts(con)
    bad_decisions = pd.DataFrame({"left_source": ["A"]})  # lacks its other columns
    with pytest.raises(ValueError, match="decisions lack columns"):
        resolve_into(con, records.iloc[:4100], settings, decisions=bad_decisions)
    assert _counts(con) == before
    assert len(diff_records(con, records.iloc[:4100]).upserts) == 100


def test_a_new_cannot_link_splits_a_cluster_no_new_record_touches() -> None:
    """`cdpkit identity split` writes a cannot-link and expects the next run to split,
    whatever that run's changes are."""
    people = frame(
        record("shop", "1", first_name="Ann", last_name="Lee", email="ann@x.org"),
        record("erp", "1", first_name="Ann", last_name="Lee", email="ann@x.org"),
        record("shop", "2", first_name="Bob", last_name="Ray", email="bob@x.org"),
    )
    settings = IdentitySettings(full_run_share=1.0)
    con = duckdb.connect()
    resolve_into(con, people, settings)
    decisions = pd.DataFrame([{"left_source": "shop", "left_source_id": "1",
                               "right_source": "erp", "right_source_id": "1",
                               "decision": "cannot_link"}])
    grown = pd.concat([people, frame(record("email", "9", first_name="Cy", last_name="Oz",
                                            email="cy@x.org"))], ignore_index=True)
    run = resolve_into(con, grown, settings, decisions=decisions)
    assert run.mode == "incremental", run.reason
    ids = _crosswalk(con).set_index(["source", "source_id"])["golden_id"]
    assert ids[("shop", "1")] != ids[("erp", "1")]


def test_resolved_at_moves_only_where_a_golden_id_or_profile_changed(febrl3) -> None:
    """The dbt facts re-resolve the rows stamped since their last build: a neighbourhood
    re-clustered as it was must keep its stamps, or every order of it is rewritten."""
    records, settings = febrl3
    held = np.random.default_rng(2).random(len(records)) < 0.02
    con = duckdb.connect()
    first_at, second_at = pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01")
    resolve_into(con, records[~held], settings, resolved_at=first_at)
    before = con.sql("select source, source_id, golden_id, matched_by "
                     "from identity.crosswalk").df()
    second = resolve_into(con, records, settings, resolved_at=second_at)
    assert second.mode == "incremental", second.reason
    after = con.sql("select source, source_id, golden_id, matched_by, resolved_at "
                    "from identity.crosswalk").df()
    both = after.merge(before, on=["source", "source_id"], how="left",
                       suffixes=("", "_before"))
    # new records, re-assigned ones, and those now linked by another rule
    moved = ((both["golden_id"] != both["golden_id_before"])
             | (both["matched_by"] != both["matched_by_before"]))
    assert (both.loc[moved, "resolved_at"] == second_at).all()
    assert (both.loc[~moved, "resolved_at"] == first_at).all()
    assert moved.sum() < second.stats["reclustered_records"], \
        "part of the re-clustered neighbourhood came out as it was"
    profiles = con.sql("select golden_id, resolved_at from identity.golden_profiles").df()
    grown = set(both.loc[moved, "golden_id"])
    assert (profiles[profiles["golden_id"].isin(grown)]["resolved_at"] == second_at).all()
    assert (profiles["resolved_at"] == first_at).any()
