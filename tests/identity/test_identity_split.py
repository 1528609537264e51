"""`cdpkit identity split`: a wrong merge undone on the next run, and kept undone."""

from __future__ import annotations

import duckdb
import pytest
from identity_records import frame, record

from cdpkit.cli import main
from identity.persist import load_decisions, load_id_state, write_result
from identity.resolve import resolve
from identity.split import split_golden_id


def household():
    # one inbox, so the email rule joins them (names compatible: no first names)
    return frame(record("shop", "1", last_name="Okafor", email="okafor@home.example"),
                 record("email", "m1", last_name="Okafor", email="okafor@home.example"),
                 record("erp", "3", last_name="Okafor", email="okafor@home.example"))


def test_split_writes_cannot_links_and_the_next_run_keeps_them_apart(tmp_path, capsys) -> None:
    path = str(tmp_path / "cdp.duckdb")
    with duckdb.connect(path) as con:
        first = resolve(household())
        write_result(con, first)
    gid = first.crosswalk["golden_id"].iloc[0]
    assert first.crosswalk["golden_id"].nunique() == 1
    assert main(["identity", "split", gid, "erp:3", "--warehouse", path]) == 0
    assert "2 cannot-link decisions" in capsys.readouterr().out
    with duckdb.connect(path) as con:
        decisions = load_decisions(con)
        second = resolve(household(), decisions=decisions, previous=load_id_state(con))
        write_result(con, second)
        events = con.sql("select event from identity.identity_events").df()["event"].tolist()
    ids = second.crosswalk.set_index("source_id")["golden_id"]
    assert ids["1"] == ids["m1"] == gid  # the larger part keeps the id
    assert ids["3"] != gid
    assert "split" in events


def test_split_refuses_non_members_and_empty_sides(tmp_path) -> None:
    with duckdb.connect(str(tmp_path / "cdp.duckdb")) as con:
        result = resolve(household())
        write_result(con, result)
        gid = result.crosswalk["golden_id"].iloc[0]
        with pytest.raises(ValueError, match="not members"):
            split_golden_id(con, gid, [("erp", "99")])
        with pytest.raises(ValueError, match="both sides"):
            split_golden_id(con, gid, [("shop", "1"), ("email", "m1"), ("erp", "3")])
        with pytest.raises(ValueError, match="no golden id"):
            split_golden_id(con, "cdp_nope", [("erp", "3")])
