import json

import duckdb
import numpy as np
import pandas as pd
import pytest
from identity_records import frame, record

from identity.match.comparisons import default_comparisons
from identity.match.keys import KEY_SOURCES
from identity.resolve import evidence_texts, load_records, resolve, write_result

AT = pd.Timestamp("2025-06-01 12:00:00")


def sample() -> pd.DataFrame:
    return frame(
        record("shop", "gid://shopify/Customer/7", first_name="Bob", last_name="Lee",
               email="Bob.Lee+shop@gmail.com", phone="+1 415 555 0100", country_code="US"),
        record("email", "m1", first_name="Robert", last_name="Lee", email="boblee@gmail.com"),
        record("erp", "12", full_name="LEE, Robert", cross_ref="7", is_active=False),
        record("erp", "13", full_name="Jane Lee", phone="(415) 555-0100", country_code="US"),
        record("social", "999", full_name="🚀", free_text="nothing here"),
    )


def test_resolve_tables_follow_the_contract() -> None:
    result = resolve(sample(), resolved_at=AT)
    assert list(result.crosswalk.columns) == [
        "source", "source_id", "golden_id", "matched_by", "resolved_at"]
    assert list(result.match_edges.columns) == [
        "left_source", "left_source_id", "right_source", "right_source_id", "rule", "key",
        "match_probability", "match_weight", "evidence"]
    assert list(result.review_queue.columns) == [
        "left_source", "left_source_id", "right_source", "right_source_id",
        "match_probability", "match_weight", "evidence", "reason"]
    golden = result.golden_profiles
    assert list(golden.columns[:9]) == ["golden_id", "first_name", "last_name", "email",
                                        "phone", "street", "city", "postcode", "country_code"]
    assert list(golden.columns[-5:]) == ["source_systems", "member_count", "first_seen_at",
                                         "last_seen_at", "resolved_at"]
    assert len(result.crosswalk) == 5 and golden["member_count"].sum() == 5
    cw = result.crosswalk.set_index("source_id")
    assert cw.loc["m1", "golden_id"] == cw.loc["12", "golden_id"]
    assert cw.loc["13", "golden_id"] != cw.loc["m1", "golden_id"]
    assert cw.loc["gid://shopify/Customer/7", "matched_by"] == "cross_ref,email"
    assert cw.loc["999", "matched_by"] == "singleton"
    # Robert Lee of the newsletter and LEE, Robert of the ERP share a name and nothing
    # else: a namesake's evidence as often as a person's, so no link of their own; both
    # are Bob's through his mailbox and the ERP's reference
    assert cw.loc["m1", "matched_by"] == "email"
    # Jane shares Bob's landline and surname: household evidence, not a person's,
    # so the pair waits for a steward with the reason
    review = result.review_queue
    assert review[["left_source_id", "right_source_id", "reason"]].values.tolist() == [
        ["13", "gid://shopify/Customer/7", "not_identifying"]]
    assert (result.crosswalk["resolved_at"] == AT).all()
    stats = result.stats
    assert stats["records_in"] == 5 and stats["clusters"] == 3
    assert stats["edges_per_rule"] == {"email": 1, "phone": 0, "cross_ref": 1}
    assert stats["records_linked_across_systems"] == 3
    assert stats["cross_system_share"] == pytest.approx(0.6)


def test_duplicate_records_are_an_error() -> None:
    rows = frame(record("shop", "1"), record("shop", "1"))
    with pytest.raises(ValueError, match="duplicated"):
        resolve(rows)


def test_missing_column_is_an_error() -> None:
    with pytest.raises(ValueError, match="cross_ref"):
        resolve(sample().drop(columns=["cross_ref"]))


def test_load_records_takes_the_optional_columns_the_table_has() -> None:
    """The warehouse's unified records carry `source_created_at`: it reaches identity
    (which dates first_seen_at by it); a table without it loads as before."""
    with duckdb.connect() as con:
        con.execute("create schema staging")
        records = sample()
        con.register("records_df", records)
        con.execute("create table staging.int_customer_records_unioned as "
                    "select * from records_df")
        assert "source_created_at" not in load_records(con).columns
        con.execute("alter table staging.int_customer_records_unioned "
                    "add column source_created_at timestamp default '2023-01-01'")
        loaded = load_records(con)
    assert (loaded["source_created_at"] == pd.Timestamp("2023-01-01")).all()
    golden = resolve(loaded, resolved_at=AT).golden_profiles
    assert (golden["first_seen_at"] == pd.Timestamp("2023-01-01")).all()


def test_write_result_round_trips_through_duckdb_file(tmp_path) -> None:
    path = str(tmp_path / "cdp.duckdb")
    records = sample()
    with duckdb.connect(path) as con:
        con.execute("create schema staging")
        con.register("records_df", records)
        con.execute("create table staging.int_customer_records_unioned as "
                    "select * from records_df")
        loaded = load_records(con)
        result = resolve(loaded, resolved_at=AT)
        write_result(con, result)
        write_result(con, result)  # replacing is idempotent
    with duckdb.connect(path, read_only=True) as con:
        crosswalk = con.sql("select * from identity.crosswalk order by source, source_id").df()
        golden = con.sql("select * from identity.golden_profiles").df()
        edges = con.sql("select * from identity.match_edges").df()
        types = dict(con.sql("select column_name, data_type from information_schema.columns "
                             "where table_name = 'golden_profiles'").fetchall())
        edge_types = dict(con.sql(
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'match_edges'").fetchall())
    pd.testing.assert_frame_equal(crosswalk, result.crosswalk, check_dtype=False)
    assert len(golden) == len(result.golden_profiles) == 3
    # the email and the ERP's reference; the two Roberts share only a name
    assert len(edges) == len(result.match_edges) == 2
    assert edges["match_probability"].isna().all()
    assert edge_types["match_probability"] == "DOUBLE"  # all NULL in this run, still typed
    assert types["street"] == "VARCHAR"  # all NULL in this run, still typed
    assert types["member_count"] == "INTEGER" and types["resolved_at"] == "TIMESTAMP"


def test_write_result_is_one_transaction(tmp_path) -> None:
    result = resolve(sample(), resolved_at=AT)
    with duckdb.connect(str(tmp_path / "cdp.duckdb")) as con:
        write_result(con, result)
        broken = type(result)(result.crosswalk, result.golden_profiles,
                              result.match_edges.drop(columns=["key"]))
        with pytest.raises(KeyError):
            write_result(con, broken)
        bad_golden = result.golden_profiles.assign(member_count="many")
        with pytest.raises(duckdb.Error):
            write_result(con, type(result)(result.crosswalk.iloc[:1], bad_golden,
                                           result.match_edges))
        assert con.execute("select count(*) from identity.crosswalk").fetchone()[0] == 5


def test_resolve_accepts_a_duckdb_relation() -> None:
    con = duckdb.connect()
    records = sample()
    relation = con.from_df(records)
    result = resolve(relation, resolved_at=AT)
    assert len(result.crosswalk) == 5


def test_evidence_names_every_pairs_own_levels() -> None:
    # every level of every default comparison, mixed at random: each pair's text
    # must be its own levels' labels, whichever few thousand patterns occur
    comparisons = default_comparisons([*KEY_SOURCES, "last_sound", "first_sound", "name_pair"])
    rng = np.random.default_rng(3)
    pairs = pd.DataFrame({c.gamma: rng.integers(-1, len(c.levels) + 1, 4_000).astype(np.int8)
                          for c in comparisons})
    texts = evidence_texts(pairs, comparisons)
    for row, text in zip(pairs.itertuples(index=False), texts, strict=True):
        levels = row._asdict()
        assert json.loads(text) == {c.name: c.label(int(levels[c.gamma])) for c in comparisons}
    assert len(comparisons) >= 8 and texts.nunique() > 1_000
