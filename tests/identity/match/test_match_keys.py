"""Match keys: one row per record, plain text or None, with a surname sound and a name pair."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from identity.match.blocking import block_on, usable_rules
from identity.match.comparisons import default_comparisons, gamma_select
from identity.match.keys import KEY_SOURCES, match_keys
from identity.match.settings import DEFAULT_BLOCKING
from identity.settings import IdentitySettings
from identity.standardise.records import RECORD_COLUMNS, standardise_records


def source_records(*rows: dict) -> pd.DataFrame:
    """Unified source records (data contract section 4); unset columns are NULL."""
    full = [{**dict.fromkeys(RECORD_COLUMNS), "is_active": True,
             "source_updated_at": "2025-01-01T00:00:00Z", **row} for row in rows]
    return pd.DataFrame(full, columns=list(RECORD_COLUMNS))


def names(*pairs: tuple[object, object], **extra: list) -> pd.DataFrame:
    std = pd.DataFrame({"first_key": [f for f, _ in pairs], "last_key": [la for _, la in pairs]},
                       dtype=object)
    for column, values in extra.items():
        std[column] = values
    return std


def test_rid_numbers_the_records_whatever_their_index():
    std = names(("john", "smith"), ("mary", "jones"), ("anna", "lee"))
    std.index = [10, 3, 7]
    keys = match_keys(std)
    assert keys["rid"].tolist() == [0, 1, 2]
    assert keys.index.tolist() == [0, 1, 2]
    assert keys["first_key"].tolist() == ["john", "mary", "anna"]
    assert keys["last_sound"].tolist() == ["SM0", "JNS", "L"]


def test_no_records_no_rows():
    keys = match_keys(names())
    assert keys.empty
    assert {"rid", "first_key", "last_key", "last_sound", "name_pair"} <= set(keys.columns)


def test_nan_and_empty_become_none():
    std = names(("john", ""), (np.nan, "smith"), (None, pd.NA), ("", "jones"),
                postcode_key=["10115", np.nan, "", None])
    keys = match_keys(std)
    for column in ("first_key", "last_key", "postcode_key"):
        assert keys[column].dtype == object
    assert keys["first_key"].tolist() == ["john", None, None, None]
    assert keys["last_key"].tolist() == [None, "smith", None, "jones"]
    assert keys["postcode_key"].tolist() == ["10115", None, None, None]
    assert keys["last_sound"].tolist() == [None, "SM0", None, "JNS"]
    assert keys["name_pair"].tolist() == [None] * 4


def test_only_the_columns_the_records_have_and_nothing_else():
    std = pd.DataFrame({"source": ["crm"], "email_key": ["a@b.de"], "first_name": ["John"],
                        "unrelated": [1]})
    assert match_keys(std).columns.tolist() == ["rid", "source", "email_key"]


def test_every_key_source_is_copied():
    std = pd.DataFrame({column: [f"{column}-value"] for column in KEY_SOURCES})
    keys = match_keys(std)
    for column, key in KEY_SOURCES.items():
        assert keys[key].tolist() == [f"{column}-value"]
    assert {"last_sound", "name_pair"} <= set(keys.columns)


@pytest.mark.parametrize(("one", "other"), [
    ("philips", "phillips"), ("smith", "smyth"), ("van der berg", "vanderberg"),
])
def test_surnames_spelt_as_heard_share_their_sound(one, other):
    keys = match_keys(names(("john", one), ("john", other)))
    assert keys["last_sound"].iloc[0] is not None
    assert keys["last_sound"].iloc[0] == keys["last_sound"].iloc[1]


def test_different_surnames_sound_different_and_no_code_is_none():
    keys = match_keys(names(("john", "smith"), ("john", "jones"), ("john", "w"), ("john", None)))
    sounds = keys["last_sound"].tolist()
    assert sounds[0] != sounds[1]
    assert sounds[2:] == [None, None]


def test_without_last_names_no_sound_or_pair():
    keys = match_keys(pd.DataFrame({"first_key": ["john"]}))
    assert "last_sound" not in keys.columns
    assert "name_pair" not in keys.columns


def test_name_pair_meets_swapped_names():
    keys = match_keys(names(("john", "smith"), ("smith", "john"), ("john", "smithe"),
                            ("john", None), (None, "smith"), ("", "smith")))
    assert keys["name_pair"].tolist() == ["john | smith", "john | smith", "john | smithe",
                                          None, None, None]


def test_standardised_records_give_keys_for_every_default_rule_and_comparison():
    std = standardise_records(source_records(
        {"source": "crm", "source_id": "1", "first_name": "Bill", "last_name": "Thompson",
         "email": "Bill@Example.com", "phone": "+49 170 1234567", "street": "12 High Street",
         "city": "Berlin", "postcode": "10115", "country_code": "DE"},
        {"source": "shop", "source_id": "2", "full_name": "Smith, John",
         "street": "Flat 3, 12 High St"},
    ), IdentitySettings())
    keys = match_keys(std)
    assert keys["rid"].tolist() == [0, 1]
    assert keys["name_pair"].tolist() == ["bill | thompson", "john | smith"]
    rules = [block_on(*rule) for rule in DEFAULT_BLOCKING]
    assert usable_rules(rules, keys.columns) == rules
    comparisons = default_comparisons(keys.columns)
    assert [c.name for c in comparisons] == [
        "first_name", "last_name", "date_of_birth", "street", "place", "region", "email", "phone"]
    con = duckdb.connect()
    try:
        con.register("keys", keys)
        got = con.execute(f"""
            SELECT {gamma_select(comparisons)}
            FROM keys l JOIN keys r ON l.rid = 0 AND r.rid = 1""").df()
    finally:
        con.close()
    assert got.iloc[0].to_dict() == {
        "g_first_name": 0, "g_last_name": 0, "g_date_of_birth": -1, "g_street": 4,
        "g_place": -1, "g_region": -1, "g_email": -1, "g_phone": -1}
