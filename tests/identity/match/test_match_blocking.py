"""Multi-pass blocking in DuckDB: each pair once, from the first rule; junk blocks skipped."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from identity.match.blocking import (
    DEFAULT_RULES,
    LINK_TYPES,
    BlockingRule,
    block_on,
    candidate_pairs,
    pair_condition,
    usable_rules,
)
from identity.match.settings import DEFAULT_BLOCKING, MatchSettings

REPORT_COLUMNS = ["rule", "new_pairs", "oversized_keys", "records_in_oversized"]


def records(*rows: tuple) -> pd.DataFrame:
    """(source, first_key, last_key, dob_key) per record; rid is the row number."""
    frame = pd.DataFrame(list(rows), columns=["source", "first_key", "last_key", "dob_key"],
                         dtype=object)
    frame.insert(0, "rid", range(len(rows)))
    return frame


def run(frame: pd.DataFrame, rules, link_type="link_and_dedupe", max_block_size=100,
        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The candidate pairs (sorted) and the per-rule report."""
    con = duckdb.connect()
    try:
        con.register("records_frame", frame)
        con.execute("CREATE TABLE records AS SELECT * FROM records_frame")
        report = candidate_pairs(con, "records", rules, link_type, max_block_size)
        pairs = con.execute(
            "SELECT rid_l, rid_r, blocked_by FROM candidate_pairs ORDER BY rid_l, rid_r").df()
    finally:
        con.close()
    return pairs, report


def as_tuples(pairs: pd.DataFrame) -> list[tuple[int, int, int]]:
    return [tuple(int(v) for v in row) for row in pairs.itertuples(index=False)]


PEOPLE = records(
    ("crm", "john", "smith", "1990-01-01"),   # 0
    ("crm", "john", "smith", "1990-01-01"),   # 1  same name, same dob as 0
    ("shop", "jon", "smith", "1990-01-01"),   # 2  same dob as 0, 1
    ("shop", "john", "smith", None),          # 3  same name as 0, 1
    ("shop", "mary", "jones", "1985-05-05"),  # 4  alone
    ("crm", "mary", "jones", None),           # 5  same name as 4
)
NAME_THEN_DOB = [block_on("first_key", "last_key"), block_on("dob_key")]


def test_each_unordered_pair_once_with_the_first_rule_that_found_it():
    pairs, report = run(PEOPLE, NAME_THEN_DOB)
    assert as_tuples(pairs) == [(0, 1, 0), (0, 2, 1), (0, 3, 0), (1, 2, 1), (1, 3, 0), (4, 5, 0)]
    assert report.columns.tolist() == REPORT_COLUMNS
    assert report["rule"].tolist() == ["first_key & last_key", "dob_key"]
    assert report["new_pairs"].tolist() == [4, 2]
    assert report["oversized_keys"].tolist() == [0, 0]
    assert report["records_in_oversized"].tolist() == [0, 0]


def test_rule_order_decides_blocked_by():
    pairs, report = run(PEOPLE, NAME_THEN_DOB[::-1])
    assert as_tuples(pairs) == [(0, 1, 0), (0, 2, 0), (0, 3, 1), (1, 2, 0), (1, 3, 1), (4, 5, 1)]
    assert report["new_pairs"].tolist() == [3, 3]


def test_a_rule_finding_only_known_pairs_adds_none():
    pairs, report = run(PEOPLE, [*NAME_THEN_DOB, block_on("last_key")])
    assert len(pairs) == 7
    assert as_tuples(pairs)[-2:] == [(2, 3, 2), (4, 5, 0)]
    assert report["new_pairs"].tolist() == [4, 2, 1]
    pairs, report = run(PEOPLE, [block_on("first_key", "last_key")] * 2)
    assert report["new_pairs"].tolist() == [4, 0]
    assert set(pairs["blocked_by"]) == {0}


def test_pairs_are_ordered_and_unique():
    pairs, _ = run(PEOPLE, [block_on("last_key"), block_on("dob_key"), block_on("first_key")])
    assert (pairs["rid_l"] < pairs["rid_r"]).all()
    assert not pairs.duplicated(["rid_l", "rid_r"]).any()
    assert len(pairs) == 4 * 3 // 2 + 1


@pytest.mark.parametrize(("link_type", "expected"), [
    ("dedupe", [(0, 1, 0)]),
    ("link_only", [(0, 2, 1), (0, 3, 0), (1, 2, 1), (1, 3, 0), (4, 5, 0)]),
    ("link_and_dedupe", [(0, 1, 0), (0, 2, 1), (0, 3, 0), (1, 2, 1), (1, 3, 0), (4, 5, 0)]),
])
def test_link_type_selects_within_across_or_all_pairs(link_type, expected):
    pairs, _ = run(PEOPLE, NAME_THEN_DOB, link_type=link_type)
    assert as_tuples(pairs) == expected


def test_dedupe_keeps_pairs_within_each_source():
    frame = records(("a", "x", "y", None), ("b", "x", "y", None), ("a", "x", "y", None),
                    ("b", "x", "y", None))
    pairs, _ = run(frame, [block_on("first_key")], link_type="dedupe")
    assert as_tuples(pairs) == [(0, 2, 0), (1, 3, 0)]
    pairs, _ = run(frame, [block_on("first_key")], link_type="link_only")
    assert as_tuples(pairs) == [(0, 1, 0), (0, 3, 0), (1, 2, 0), (2, 3, 0)]


def test_null_keys_never_pair():
    frame = records(("a", None, "smith", None), ("a", None, "smith", None), ("a", "x", None, None),
                    ("a", "x", None, None), ("a", "y", "jones", None))
    pairs, report = run(frame, [block_on("first_key", "last_key"), block_on("dob_key"),
                                block_on("first_key")])
    assert as_tuples(pairs) == [(2, 3, 2)]
    assert report["new_pairs"].tolist() == [0, 0, 1]


def test_an_oversized_key_is_skipped_and_reported_while_other_keys_still_pair():
    junk = [("a", "x", "y", "1900-01-01")] * 4
    frame = records(*junk, ("a", "x", "y", "1990-01-01"), ("b", "x", "y", "1990-01-01"),
                    ("b", "x", "y", "1980-01-01"))
    pairs, report = run(frame, [block_on("dob_key")], max_block_size=3)
    assert as_tuples(pairs) == [(4, 5, 0)]
    assert report.to_dict("records") == [
        {"rule": "dob_key", "new_pairs": 1, "oversized_keys": 1, "records_in_oversized": 4}]


def test_oversized_blocks_are_counted_per_rule_and_key():
    frame = records(*[("a", "john", "smith", "1900-01-01")] * 3,
                    *[("a", "mary", "jones", "1900-01-01")] * 3,
                    ("a", "anna", "lee", "1990-01-01"), ("a", "anna", "lee", "1990-01-01"))
    pairs, report = run(frame, [block_on("dob_key"), block_on("first_key", "last_key")],
                        max_block_size=3)
    assert report.to_dict("records") == [
        {"rule": "dob_key", "new_pairs": 1, "oversized_keys": 1, "records_in_oversized": 6},
        {"rule": "first_key & last_key", "new_pairs": 6, "oversized_keys": 0,
         "records_in_oversized": 0},
    ]
    assert set(pairs.loc[pairs["blocked_by"] == 1, "rid_l"]) == {0, 1, 3, 4}
    pairs, report = run(frame, [block_on("dob_key"), block_on("first_key", "last_key")],
                        max_block_size=2)
    assert report["oversized_keys"].tolist() == [1, 2]
    assert report["records_in_oversized"].tolist() == [6, 6]
    assert as_tuples(pairs) == [(6, 7, 0)]


def test_a_block_of_exactly_max_block_size_is_kept():
    frame = records(*[("a", "x", "y", "1990-01-01")] * 3)
    pairs, report = run(frame, [block_on("dob_key")], max_block_size=3)
    assert len(pairs) == 3
    assert report["oversized_keys"].tolist() == [0]


def test_the_oversized_count_covers_every_source_even_when_deduping():
    frame = records(*[("a", "x", "y", "1990-01-01")] * 2, *[("b", "x", "y", "1990-01-01")] * 2)
    pairs, report = run(frame, [block_on("dob_key")], link_type="dedupe", max_block_size=3)
    assert pairs.empty
    assert report["records_in_oversized"].tolist() == [4]


def test_rerunning_replaces_the_pairs_table():
    con = duckdb.connect()
    try:
        con.register("records", PEOPLE)
        candidate_pairs(con, "records", NAME_THEN_DOB, "link_and_dedupe", 100, into="pairs")
        candidate_pairs(con, "records", NAME_THEN_DOB[1:], "link_and_dedupe", 100, into="pairs")
        assert con.execute("SELECT count(*) FROM pairs").fetchone()[0] == 3
        assert "block_keys" not in {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    finally:
        con.close()


def test_no_rules_no_pairs():
    pairs, report = run(PEOPLE, [])
    assert pairs.empty
    assert report.empty
    assert report.columns.tolist() == REPORT_COLUMNS


def test_unknown_link_type_raises():
    with pytest.raises(ValueError, match="unknown link_type 'link'"):
        pair_condition("link")
    with pytest.raises(ValueError, match="unknown link_type"):
        run(PEOPLE, NAME_THEN_DOB, link_type="dedup")


def test_every_link_type_has_a_condition():
    for link_type in LINK_TYPES:
        assert "a.rid < b.rid" in pair_condition(link_type)


def test_rule_name_joins_its_keys():
    assert block_on("first_key", "last_key") == BlockingRule(("first_key", "last_key"))
    assert block_on("first_key", "last_key").name == "first_key & last_key"
    assert block_on("email_key").name == "email_key"


def test_usable_rules_drop_rules_whose_keys_are_missing():
    rules = [block_on("first_key", "last_key"), block_on("dob_key"), block_on("last_sound"),
             block_on("last_key", "postcode_key")]
    assert usable_rules(rules, ["rid", "source", "first_key", "last_key", "dob_key"]) == rules[:2]
    assert usable_rules(rules, []) == []
    assert usable_rules(DEFAULT_RULES, ["email_key", "phone_key"]) == [
        block_on("email_key"), block_on("phone_key")]


def test_default_settings_rules_are_valid():
    settings = MatchSettings()
    assert settings.blocking_rules == DEFAULT_BLOCKING
    assert settings.link_type in LINK_TYPES
    assert MatchSettings(blocking_rules=[["dob_key"]]).blocking_rules == (("dob_key",),)
    with pytest.raises(ValueError, match="link_type"):
        MatchSettings(link_type="dedup")
    with pytest.raises(ValueError, match="threshold"):
        MatchSettings(review_threshold=0.9, match_threshold=0.8)


def test_a_rule_of_its_own_block_cap_skips_blocks_the_run_cap_would_keep():
    frame = records(*[("a", "x", "y", "1990-01-01")] * 3, ("a", "p", "q", "1980-01-01"),
                    ("b", "r", "s", "1980-01-01"))
    pairs, report = run(frame, [block_on("dob_key", max_block_size=2),
                                block_on("first_key", "last_key")], max_block_size=100)
    # the three-record date block is over the rule's cap of 2; the name rule still pairs them
    assert as_tuples(pairs) == [(0, 1, 1), (0, 2, 1), (1, 2, 1), (3, 4, 0)]
    assert report["oversized_keys"].tolist() == [1, 0]


def test_settings_give_each_capped_rule_its_cap_and_read_a_yaml_mapping():
    settings = MatchSettings(blocking_rules=[["dob_key"], ["first_key", "last_key"]],
                             rule_max_block_size={"dob_key": 7})
    assert settings.rule_max_block_size == (("dob_key", 7),)
    assert settings.rules() == [block_on("dob_key", max_block_size=7),
                                block_on("first_key", "last_key")]
    assert dict(MatchSettings().rule_max_block_size)["dob_key"] == 20
