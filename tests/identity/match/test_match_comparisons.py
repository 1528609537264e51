"""Comparison levels as SQL: each default comparison evaluated by DuckDB over pairs of keys."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from identity.match.comparisons import (
    ALL,
    ELSE_LEVEL,
    NULL_LEVEL,
    Comparison,
    Level,
    date_of_birth,
    default_comparisons,
    email,
    first_name,
    gamma_select,
    identifying,
    last_name,
    phone,
    place,
    region,
    street,
)

#: every match-key column a default comparison's SQL reads
KEY_COLUMNS = (
    "first_key", "last_key", "first_canonical", "dob_key", "street_key", "house_number",
    "street_name_key", "postcode_key", "city_key", "region_key", "email_key", "phone_key",
)  # fmt: skip
TF_COLUMNS = ("tf_first_key", "tf_last_key", "tf_postcode_key")


def _side(rows: list[dict], columns: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=list(columns))
    frame = frame.astype({c: object for c in columns if not c.startswith("tf_")})
    frame.insert(0, "pid", range(len(rows)))
    return frame


def evaluate(select: str, pairs: list[tuple[dict, dict]],
             columns: tuple[str, ...] = KEY_COLUMNS + TF_COLUMNS) -> pd.DataFrame:
    """`select` over the pairs, left record as `l` and right as `r`, in pair order."""
    con = duckdb.connect()
    try:
        con.register("left_side", _side([left for left, _ in pairs], columns))
        con.register("right_side", _side([right for _, right in pairs], columns))
        return con.execute(f"""
            SELECT {select} FROM left_side l JOIN right_side r ON l.pid = r.pid
            ORDER BY l.pid""").df()
    finally:
        con.close()


def levels(comparison: Comparison, pairs: list[tuple[dict, dict]]) -> list[int]:
    return evaluate(f"{comparison.case_sql()} AS level", pairs)["level"].tolist()


def _check(comparison: Comparison, table: list[tuple[dict, dict, int]]) -> None:
    got = levels(comparison, [(left, right) for left, right, _ in table])
    want = [level for _, _, level in table]
    labelled = [(comparison.label(w), comparison.label(g)) for w, g in zip(want, got, strict=True)]
    assert got == want, labelled


def _person(first, last=None, canonical=None):
    return {"first_key": first, "last_key": last,
            "first_canonical": canonical if canonical is not None else first}


def test_first_name_levels():
    _check(first_name(), [
        (_person("john", "smith"), _person("john", "smith"), 6),
        (_person("john", "smith"), _person("john", "jones"), 6),
        (_person("john", "smith"), _person("smith", "john"), 5),
        (_person("bill", "smith", "william"), _person("william", "smith", "william"), 4),
        (_person("jon", "smith"), _person("john", "smith"), 3),
        (_person("dwayne", "smith"), _person("duane", "smith"), 2),
        (_person("john", "smith"), _person("james", "smith"), 1),
        (_person("mary", "smith"), _person("john", "smith"), 0),
        (_person(None, "smith"), _person("john", "smith"), -1),
        (_person("john", "smith"), _person(None, "smith"), -1),
    ])


def test_first_name_nulls_elsewhere_are_no_agreement():
    _check(first_name(), [
        ({"first_key": "mary"}, {"first_key": "john"}, 0),
        ({"first_key": "john"}, {"first_key": "smith", "last_key": "john"}, 0),
        (_person("john", None), _person("smith", "john"), 0),
    ])


def test_last_name_levels():
    _check(last_name(), [
        (_person("john", "smith"), _person("john", "smith"), 4),
        (_person("mary", "smith"), _person("john", "smith"), 4),
        (_person("john", "smith"), _person("smith", "john"), 3),
        (_person("john", "thompson"), _person("john", "thomson"), 2),
        (_person("john", "smith"), _person("john", "smyth"), 1),
        (_person("john", "smith"), _person("john", "jones"), 0),
        (_person("john", None), _person("john", "smith"), -1),
        (_person("john", "smith"), _person("john", None), -1),
    ])


def _dob(value):
    return {"dob_key": value}


@pytest.mark.parametrize(("left", "right", "level"), [
    ("1990-03-04", "1990-03-04", 4),
    ("1990-03-04", "1990-04-03", 3),
    ("1990-03-04", "1990-03-05", 2),
    ("1990-03-04", "1980-03-04", 2),
    ("1990-03-04", "1991-03-05", 1),
    ("1990-03-04", "1991-04-03", 0),
    ("1990-03-04", "1975-11-20", 0),
    (None, "1990-03-04", -1),
    ("1990-03-04", None, -1),
])
def test_date_of_birth_levels(left, right, level):
    assert levels(date_of_birth(), [(_dob(left), _dob(right))]) == [level]


def _street(line, number=None, name=None):
    return {"street_key": line, "house_number": number, "street_name_key": name}


def test_street_levels():
    _check(street(), [
        (_street("12 high st", "12", "high st"), _street("12 high st", "12", "high st"), 5),
        (_street("12 high st", "12", "high st"), _street("12 hihg st", "12", "hihg st"), 4),
        (_street("12 high st", "12", "high st"), _street("14 high st", "14", "high st"), 3),
        (_street("2 high st", "2", "high st"), _street("118 high st", "118", "high st"), 2),
        (_street("12 high st", "12", "high st"), _street("12 hill rd", "12", "hill rd"), 1),
        (_street("12 high st", "12", "high st"), _street("7 oak ave", "7", "oak ave"), 0),
        (_street(None), _street("12 high st", "12", "high st"), -1),
        (_street("12 high st", "12", "high st"), _street(None), -1),
    ])


def test_street_without_house_number_falls_to_the_same_street_name():
    pair = (_street("high st", None, "high st"), _street("12 high st", "12", "high st"))
    assert levels(street(), [pair]) == [2]


def _place(postcode, city):
    return {"postcode_key": postcode, "city_key": city}


def test_place_levels():
    _check(place(), [
        (_place("10115", "berlin"), _place("10115", "berlin"), 5),
        (_place("10115", None), _place("10115", "berlin"), 5),
        (_place("10115", "berlin"), _place("10117", "berlin"), 4),
        (_place("10115", "berlin"), _place("12345", "berlin"), 3),
        (_place(None, "berlin"), _place("10115", "berlin"), 3),
        (_place("10115", "berlin"), _place("10116", "hamburg"), 2),
        (_place("10115", "berlin"), _place("99999", "berlim"), 1),
        (_place("10115", "berlin"), _place("80331", "munich"), 0),
    ])


@pytest.mark.parametrize(("left", "right", "level"), [
    (_place(None, None), _place("10115", "berlin"), -1),
    (_place("10115", "berlin"), _place(None, None), -1),
    (_place(None, None), _place(None, None), -1),
    (_place("10115", None), _place(None, "berlin"), 0),
    (_place(None, "berlin"), _place("10115", None), 0),
])
def test_place_is_missing_only_when_a_side_has_neither_postcode_nor_city(left, right, level):
    assert place().missing_when_all_null
    assert levels(place(), [(left, right)]) == [level]


@pytest.mark.parametrize(("left", "right", "level"), [
    ("bavaria", "bavaria", 1), ("bavaria", "saxony", 0), (None, "bavaria", -1),
    ("bavaria", None, -1),
])
def test_region_levels(left, right, level):
    assert levels(region(), [({"region_key": left}, {"region_key": right})]) == [level]


@pytest.mark.parametrize(("left", "right", "level"), [
    ("anna@gmail.com", "anna@gmail.com", 2),
    ("anna@gmail.com", "anna@yahoo.com", 1),
    ("anna@gmail.com", "bob@gmail.com", 0),
    ("anna@gmail.com", "anna.b@gmail.com", 0),
    (None, "anna@gmail.com", -1),
    ("anna@gmail.com", None, -1),
])
def test_email_levels(left, right, level):
    assert levels(email(), [({"email_key": left}, {"email_key": right})]) == [level]


@pytest.mark.parametrize(("left", "right", "level"), [
    ("+491701234567", "+491701234567", 3),
    ("+491701234567", "+491511234567", 2),
    ("+491701234567", "+491701234568", 1),
    ("+491701234567", "+4917012345678", 1),
    ("+491701234567", "+441632960000", 0),
    (None, "+491701234567", -1),
    ("+491701234567", None, -1),
])
def test_phone_levels(left, right, level):
    assert levels(phone(), [({"phone_key": left}, {"phone_key": right})]) == [level]


def test_levels_number_from_the_best_down_with_null_and_else():
    comparison = Comparison("x", ("x",), tuple(Level(label, "true") for label in "abc"))
    assert comparison.level_numbers() == [NULL_LEVEL, ELSE_LEVEL, 1, 2, 3]
    assert [comparison.label(level) for level in comparison.level_numbers()] == [
        "missing", "different", "c", "b", "a"]
    assert (comparison.gamma, comparison.tf) == ("g_x", "tf_x")


def test_the_first_true_level_wins():
    comparison = Comparison("x", ("x",), (Level("a", "l.x = r.x"), Level("b", "true")))
    got = evaluate(f"{comparison.case_sql()} AS level",
                   [({"x": "1"}, {"x": "1"}), ({"x": "1"}, {"x": "2"}), ({"x": None}, {"x": "2"})],
                   columns=("x",))
    assert got["level"].tolist() == [2, 1, -1]


@pytest.mark.parametrize(("make", "labels"), [
    (first_name, ["missing", "different", "same initial", "Jaro-Winkler >= 0.8",
                  "Jaro-Winkler >= 0.92", "same canonical name (nickname)",
                  "swapped with the last name", "exact"]),
    (date_of_birth, ["missing", "different", "two digits different", "one digit different",
                     "day and month swapped", "exact"]),
    (place, ["missing", "different", "Jaro-Winkler >= 0.88", "postcode one edit apart",
             "same city", "same city, postcode one edit apart", "same postcode"]),
    (email, ["missing", "different", "same local part", "exact"]),
])
def test_labels_follow_the_level_numbers(make, labels):
    comparison = make()
    assert [comparison.label(level) for level in comparison.level_numbers()] == labels


@pytest.mark.parametrize(("make", "same"), [
    (first_name, [6, 5]), (last_name, [4, 3]), (date_of_birth, [4]), (street, [5]),
    (place, [5]), (region, [1]), (email, [2]), (phone, [3]),
])
def test_same_value_levels_are_the_exact_and_swapped_ones(make, same):
    assert make().same_value_levels() == same


@pytest.mark.parametrize(("make", "term_frequency"), [
    (first_name, "first_key"), (last_name, "last_key"), (place, "postcode_key"),
    (date_of_birth, None), (street, None), (region, None), (email, None), (phone, None),
])
def test_term_frequency_columns(make, term_frequency):
    assert make().term_frequency == term_frequency


def _tf(comparison: Comparison, pairs: list[tuple[dict, dict]]) -> pd.DataFrame:
    return evaluate(f"{comparison.case_sql()} AS level, {comparison.tf_sql()} AS tf", pairs)


def test_first_name_tf_is_the_left_value_frequency_at_same_value_levels_only():
    def person(first, last, tf):
        return {**_person(first, last), "tf_first_key": tf}

    got = _tf(first_name(), [
        (person("john", "smith", 0.04), person("john", "smith", 0.05)),
        (person("john", "smith", 0.04), person("smith", "john", 0.001)),
        (person("jon", "smith", 0.01), person("john", "smith", 0.04)),
        (person("mary", "smith", 0.03), person("john", "smith", 0.04)),
        (person(None, "smith", None), person("john", "smith", 0.04)),
    ])
    assert got["level"].tolist() == [6, 5, 3, 0, -1]
    assert got["tf"].tolist()[:2] == [0.04, 0.04]
    assert got["tf"].isna().tolist() == [False, False, True, True, True]


def test_last_name_tf_uses_the_last_name_frequency():
    def person(first, last, tf):
        return {**_person(first, last), "tf_last_key": tf, "tf_first_key": 0.5}

    got = _tf(last_name(), [
        (person("john", "smith", 0.02), person("mary", "smith", 0.03)),
        (person("john", "smith", 0.02), person("smith", "john", 0.03)),
        (person("john", "smith", 0.02), person("john", "smyth", 0.03)),
    ])
    assert got["level"].tolist() == [4, 3, 1]
    assert got["tf"].tolist()[:2] == [0.02, 0.02]
    assert pd.isna(got["tf"].iloc[2])


def test_place_tf_only_for_the_same_postcode():
    def where(postcode, city, tf):
        return {**_place(postcode, city), "tf_postcode_key": tf}

    got = _tf(place(), [
        (where("10115", "berlin", 0.01), where("10115", "berlin", 0.02)),
        (where("10115", "berlin", 0.01), where("10117", "berlin", 0.02)),
        (where(None, "berlin", None), where("10115", "berlin", 0.02)),
    ])
    assert got["level"].tolist() == [5, 4, 3]
    assert got["tf"].iloc[0] == 0.01
    assert got["tf"].iloc[1:].isna().all()


ALL_COLUMNS = ("source", *KEY_COLUMNS)


def test_default_comparisons_with_every_column_are_all_in_order():
    assert [c.name for c in default_comparisons(ALL_COLUMNS)] == [
        "first_name", "last_name", "date_of_birth", "street", "place", "region", "email", "phone"]
    assert [c.name for c in default_comparisons(ALL_COLUMNS)] == [make().name for make in ALL]


@pytest.mark.parametrize(("columns", "names"), [
    (("first_key", "last_key", "first_canonical"), ["first_name", "last_name"]),
    (("email_key", "phone_key", "rid", "source"), ["email", "phone"]),
    (("postcode_key",), []),
    (("postcode_key", "city_key"), ["place"]),
    (("dob_key", "region_key"), ["date_of_birth", "region"]),
    ((), []),
])
def test_default_comparisons_pick_only_those_whose_columns_exist(columns, names):
    assert [c.name for c in default_comparisons(columns)] == names


@pytest.mark.parametrize("make", ALL, ids=lambda make: make.__name__)
def test_a_comparison_picked_for_its_columns_evaluates_on_just_those_columns(make):
    comparison = make()
    needed = (*comparison.columns, *comparison.uses)
    assert comparison.name in [c.name for c in default_comparisons(needed)]
    if comparison.uses:  # a level reads them: without them the comparison is not picked
        assert default_comparisons(comparison.columns) == []
    row = dict.fromkeys(needed, "x")
    got = evaluate(f"{comparison.case_sql()} AS level", [(row, row)], columns=needed)
    assert got["level"].tolist() == [comparison.same_value_levels()[0]]


def test_gamma_select_names_each_level_column():
    comparisons = default_comparisons(ALL_COLUMNS)
    pair = ({**_person("john", "smith"), "email_key": "a@b.de"},
            {**_person("john", "smyth"), "email_key": "a@c.de"})
    got = evaluate(gamma_select(comparisons), [pair])
    assert list(got.columns) == [c.gamma for c in comparisons]
    assert got.iloc[0].to_dict() == {
        "g_first_name": 6, "g_last_name": 1, "g_date_of_birth": -1, "g_street": -1,
        "g_place": -1, "g_region": -1, "g_email": 1, "g_phone": -1}


def test_gamma_select_with_tf_adds_tf_columns_only_for_term_frequency_comparisons():
    comparisons = default_comparisons(ALL_COLUMNS)
    pair = ({**_person("john", "smith"), **_place("10115", "berlin"), "tf_first_key": 0.1,
             "tf_last_key": 0.2, "tf_postcode_key": 0.3},
            {**_person("john", "smith"), **_place("10115", "berlin"), "tf_first_key": 0.9,
             "tf_last_key": 0.9, "tf_postcode_key": 0.9})
    got = evaluate(gamma_select(comparisons, with_tf=True), [pair])
    assert list(got.columns) == [c.gamma for c in comparisons] + [
        "tf_first_name", "tf_last_name", "tf_place"]
    assert got[["tf_first_name", "tf_last_name", "tf_place"]].iloc[0].tolist() == [0.1, 0.2, 0.3]
    assert list(evaluate(gamma_select(comparisons, with_tf=False), [pair]).columns) == [
        c.gamma for c in comparisons]
    assert list(evaluate(gamma_select([email(), phone()], with_tf=True), [pair]).columns) == [
        "g_email", "g_phone"]


def test_identifying_needs_a_person_level_not_a_household_one():
    comparisons = default_comparisons(ALL_COLUMNS)
    levels = {c.name: c for c in comparisons}
    first, last = levels["first_name"], levels["last_name"]

    def pair(**gammas):
        row = {c.gamma: -1 for c in comparisons}
        row.update({levels[k].gamma: v for k, v in gammas.items()})
        return row

    exact = {name: len(c.levels) for name, c in levels.items()}
    pairs = pd.DataFrame([
        pair(street=exact["street"], place=exact["place"], phone=exact["phone"]),  # household
        pair(first_name=exact["first_name"], street=exact["street"]),  # first name alone
        pair(first_name=first.identifying_level(), last_name=last.identifying_level()),
        pair(date_of_birth=exact["date_of_birth"]),
        pair(email=levels["email"].identifying_level()),  # same local part elsewhere
        pair(first_name=exact["first_name"], last_name=0),  # another surname
        # a close name at one house: street and place at their identifying levels
        pair(first_name=first.identifying_level(), last_name=last.identifying_level(),
             street=levels["street"].identifying_level(),
             place=levels["place"].identifying_level()),
        # a namesake in another street of the same postcode
        pair(first_name=exact["first_name"], last_name=exact["last_name"], street=0,
             place=exact["place"]),
    ])
    # a name alone (row 3) is a namesake's as often as not at scale
    assert identifying(pairs, comparisons).tolist() == [
        False, False, False, True, True, False, True, False]


def test_a_name_identifies_alone_when_the_records_have_no_address_columns():
    comparisons = default_comparisons([c for c in ALL_COLUMNS if c not in
                                       {"street_key", "postcode_key", "city_key"}])
    assert {"street", "place"}.isdisjoint(c.name for c in comparisons)
    levels = {c.name: c for c in comparisons}
    row = {c.gamma: -1 for c in comparisons}
    row[levels["first_name"].gamma] = levels["first_name"].identifying_level()
    row[levels["last_name"].gamma] = levels["last_name"].identifying_level()
    assert identifying(pd.DataFrame([row]), comparisons).tolist() == [True]
