"""Golden ids across runs: kept, merged (oldest survives), split (larger part keeps it)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from identity.golden import golden_id
from identity.persistent_ids import assign_golden_ids

T1, T2, T3, T4 = (pd.Timestamp(f"2026-01-0{d} 00:00:00") for d in (1, 2, 3, 4))


def records(*ids: str) -> pd.DataFrame:
    return pd.DataFrame({"source": ["shop"] * len(ids), "source_id": list(ids)})


def run(ids: list[str], labels: list[int], previous, at):
    return assign_golden_ids(records(*ids), np.array(labels), previous, at)


def test_first_run_issues_anchor_ids_and_opens_history() -> None:
    first = run(["a", "b", "c"], [0, 0, 2], None, T1)
    assert first.ids.tolist() == [golden_id("shop", "a")] * 2 + [golden_id("shop", "c")]
    assert first.events["event"].tolist() == ["new", "new"]
    history = first.state.history
    assert len(history) == 3 and history["valid_to"].isna().all()
    assert set(first.state.registry["golden_id"]) == set(first.ids)


def test_a_rerun_changes_nothing() -> None:
    first = run(["a", "b", "c"], [0, 0, 2], None, T1)
    again = run(["a", "b", "c"], [0, 0, 2], first.state, T2)
    assert again.ids.tolist() == first.ids.tolist()
    assert again.events.empty
    pd.testing.assert_frame_equal(again.state.history, first.state.history)


def test_merge_keeps_the_oldest_id_and_aliases_the_other() -> None:
    first = run(["b", "c"], [0, 1], None, T1)  # b and c get their own ids on day 1
    second = run(["a", "b", "c"], [0, 1, 2], first.state, T2)  # a appears on day 2
    id_a, id_b = second.ids[0], second.ids[1]
    # day 3: a and b are found to be one person: b's id is older and survives
    merged = run(["a", "b", "c"], [0, 0, 2], second.state, T3)
    assert merged.ids.tolist()[:2] == [id_b, id_b]
    registry = merged.state.registry.set_index("golden_id")
    assert registry.loc[id_a, "alias_of"] == id_b
    assert merged.events[["event", "golden_id", "other_id"]].values.tolist() == [
        ["merge", id_b, id_a]]
    history = merged.state.history
    a_rows = history[history["source_id"] == "a"].sort_values("valid_from")
    assert a_rows["golden_id"].tolist() == [id_a, id_b]
    assert a_rows["valid_to"].tolist()[0] == T3 and pd.isna(a_rows["valid_to"].tolist()[1])


def test_split_leaves_the_id_with_the_larger_part() -> None:
    first = run(["a", "b", "c"], [0, 0, 0], None, T1)
    kept = first.ids[0]
    split = run(["a", "b", "c"], [0, 0, 2], first.state, T2)
    assert split.ids.tolist()[:2] == [kept, kept] and split.ids[2] != kept
    assert sorted(split.events["event"]) == ["new", "split"]


def test_an_id_whose_records_are_gone_is_retired_and_never_reissued() -> None:
    first = run(["a", "b"], [0, 1], None, T1)
    gone = run(["a"], [0], first.state, T2)
    registry = gone.state.registry.set_index("golden_id")
    assert registry.loc[first.ids[1], "retired_at"] == T2
    back = run(["a", "b"], [0, 1], gone.state, T3)  # b returns: a new id, not the retired one
    assert back.ids[1] != first.ids[1]


def test_aliases_follow_a_later_merge() -> None:
    first = run(["a"], [0], None, T1)
    second = run(["a", "b"], [0, 1], first.state, T2)
    third = run(["a", "b", "c"], [0, 1, 2], second.state, T3)
    id_a, id_b, id_c = third.ids
    merged_bc = run(["a", "b", "c"], [0, 1, 1], third.state, T4)  # c -> alias of b
    assert merged_bc.state.registry.set_index("golden_id").loc[id_c, "alias_of"] == id_b
    all_one = run(["a", "b", "c"], [0, 0, 0], merged_bc.state, T4)  # b -> alias of a
    registry = all_one.state.registry.set_index("golden_id")
    assert registry.loc[id_b, "alias_of"] == id_a and registry.loc[id_c, "alias_of"] == id_a


def test_ids_survive_runs_through_the_warehouse(tmp_path) -> None:
    import duckdb
    from identity_records import frame, record

    from identity.persist import load_id_state, write_result
    from identity.resolve import resolve

    day1 = frame(record("shop", "1", first_name="Ana", last_name="Silva", email="ana@x.example"),
                 record("erp", "5", full_name="Ana Silva", email="ana.s@y.example"))
    day2 = frame(*day1.to_dict("records"),
                 record("email", "m9", first_name="Ana", last_name="Silva",
                        email="ana.s@y.example"))
    path = str(tmp_path / "cdp.duckdb")
    with duckdb.connect(path) as con:
        assert load_id_state(con) is None
        first = resolve(day1, resolved_at=T1)
        write_result(con, first)
        ids1 = first.crosswalk.set_index("source_id")["golden_id"]
        second = resolve(day2, resolved_at=T2, previous=load_id_state(con))
        write_result(con, second)
        ids2 = second.crosswalk.set_index("source_id")["golden_id"]
        events = con.sql("select event from identity.identity_events order by all").df()
        history = con.sql("select * from identity.crosswalk_history").df()
    assert ids2["m9"] == ids2["5"] == ids1["5"]  # the newcomer joins erp/5's existing id
    assert ids2["1"] == ids1["1"]
    # day 1 issued one id per cluster; day 2 only added a record to an existing one
    assert events["event"].tolist() == ["new"] * len(first.golden_profiles)
    assert history["valid_to"].isna().sum() == 3 and len(history) == 3
