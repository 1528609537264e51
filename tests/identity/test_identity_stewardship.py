"""A steward's must-link and cannot-link decisions override rules and model on every run."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from identity_records import frame, record

from identity.persist import load_decisions
from identity.resolve import resolve
from identity.stewardship import apply_decisions, read_decisions


def couple() -> pd.DataFrame:
    return frame(
        record("shop", "1", first_name="Sam", last_name="Reyes", email="sam@reyes.example"),
        record("email", "m1", first_name="Sam", last_name="Reyes", email="sam@reyes.example"),
        record("erp", "7", full_name="Dana Whitfield", city="Oslo"),
    )


def decide(*rows: tuple[str, str, str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["left_source", "left_source_id", "right_source",
                                       "right_source_id", "decision"])


def golden(result, source: str, source_id: str) -> str:
    cw = result.crosswalk.set_index(["source", "source_id"])
    return cw.loc[(source, source_id), "golden_id"]


def test_cannot_link_splits_what_a_rule_would_join() -> None:
    assert golden(resolve(couple()), "shop", "1") == golden(resolve(couple()), "email", "m1")
    result = resolve(couple(), decisions=decide(("email", "m1", "shop", "1", "cannot_link")))
    assert golden(result, "shop", "1") != golden(result, "email", "m1")
    assert result.match_edges.empty  # the refused rule link is no evidence of anything
    assert result.stats["steward_decisions"] == {"must_link": 0, "cannot_link": 1,
                                                 "unmatched": 0}


def test_must_link_joins_what_nothing_else_would() -> None:
    result = resolve(couple(), decisions=decide(("shop", "1", "erp", "7", "must-link"),
                                                ("shop", "9", "erp", "7", "must_link")))
    assert golden(result, "erp", "7") == golden(result, "shop", "1")
    steward = result.match_edges[result.match_edges["rule"] == "steward"]
    assert steward[["left_source", "right_source"]].values.tolist() == [["erp", "shop"]]
    assert result.stats["steward_decisions"]["unmatched"] == 1  # shop/9 is not in this run
    cw = result.crosswalk.set_index("source_id")
    assert "steward" in cw.loc["7", "matched_by"]


def test_the_last_decision_on_a_pair_wins() -> None:
    std = couple().assign(source_id=lambda f: f["source_id"].astype(str))
    applied = apply_decisions(std, decide(("shop", "1", "email", "m1", "cannot_link"),
                                          ("email", "m1", "shop", "1", "must_link")))
    assert applied.cannot_link == frozenset()
    assert applied.must_link.values.tolist() == [[0, 1]]


def test_decisions_are_read_from_csv_and_from_the_warehouse(tmp_path) -> None:
    path = tmp_path / "decisions.csv"
    decide(("shop", "1", "email", "m1", "Cannot_Link")).assign(note="twins").to_csv(
        path, index=False)
    assert read_decisions(path)["decision"].tolist() == ["cannot_link"]
    con = duckdb.connect()
    assert load_decisions(con) is None
    con.execute("create schema identity")
    frame_ = decide(("shop", "1", "email", "m1", "must_link"))
    con.register("d", frame_)
    con.execute("create table identity.decisions as select * from d")
    assert load_decisions(con)["decision"].tolist() == ["must_link"]


def test_bad_decisions_are_a_clear_error(tmp_path) -> None:
    with pytest.raises(ValueError, match="unknown decisions"):
        apply_decisions(couple(), decide(("shop", "1", "email", "m1", "maybe")))
    with pytest.raises(ValueError, match="lack columns"):
        apply_decisions(couple(), pd.DataFrame({"decision": ["must_link"]}))
