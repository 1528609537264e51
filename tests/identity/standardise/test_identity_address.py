"""Addresses: every spelling of one street line, postcode or city to one match key."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import identity.standardise.address as address
from identity.standardise.address import (
    DIRECTIONS,
    STREET_TYPES,
    UNIT_WORDS,
    StreetParts,
    split_street,
    standardise_cities,
    standardise_city,
    standardise_postcode,
    standardise_postcodes,
    standardise_street,
    standardise_streets,
)

#: Spellings that different systems hold for one street line, and their shared key.
SAME_STREET = [
    (["12 North Main Street, Apt 4B", "12 N Main St #4b", "apartment 4b, 12 main st north",
      "12 N. MAIN ST., APT. 4-B", "Apt #4B 12 North Main St"], "12 n main st unit 4b"),
    (["apt 4b 12 main st", "12 main st #4B", "12 Main Street, Apartment 4b", "12 main st apt4b"],
     "12 main st unit 4b"),
    (["17 wicks street unit 5", "unit 5, 17 wicks street", "Unit 5/17 Wicks St", "5/17 wicks st",
      "17 Wicks Str Unit 5"], "17 wicks st unit 5"),
    (["Flat 3, 12 High Street", "12 High St, Flat 3", "12 high st flat 3"], "12 high st unit 3"),
    (["Hauptstraße 5", "Hauptstrasse 5", "Hauptstr. 5", "HAUPTSTRASSE 5", "Haupt-Straße 5",
      "Haupt Str 5", "5 Hauptstraße"], "5 haupt st"),
    (["1600 Pennsylvania Avenue NW", "1600 Pennsylvania Ave. N.W.", "1600 NW Pennsylvania Ave",
      "1600 pennsylvania av northwest"], "1600 nw pennsylvania ave"),
    (["350 Fifth Avenue, Suite 3300", "350 Fifth Ave Ste 3300", "Suite 3300, 350 Fifth Ave."],
     "350 fifth ave unit 3300"),
    (["Level 3, 42 George Street", "42 George St Lvl 3", "lvl3 42 george st"],
     "42 george st unit 3"),
    (["12-14 Station Road", "12 - 14 Station Rd.", "12–14 station rd"], "12-14 station rd"),
    (["PO Box 123", "P.O. Box 123", "Post Office Box 123", "p o box 123"], "po box 123"),
    (["8 Queen's Road", "8 Queens Rd", "8 QUEEN’S ROAD"], "8 queens rd"),
    (["Park Avenue South", "South Park Ave", "S Park Av"], "s park ave"),
]


@pytest.mark.parametrize(("spellings", "key"), SAME_STREET)
def test_spellings_of_one_street_line_share_one_key(spellings, key):
    assert {spelling: standardise_street(spelling) for spelling in spellings} == dict.fromkeys(
        spellings, key)


#: One spelling each: what the key keeps, drops and leaves alone.
STREETS = [
    ("17 wicks street", "17 wicks st"),  # FEBRL street_number + address_1
    ("42 kingsmill crescent", "42 kingsmill cres"),
    ("3 bunya circuit", "3 bunya cct"),
    ("9 banks close", "9 banks cl"),
    ("21 moore terrace", "21 moore ter"),
    ("21 moore tce", "21 moore ter"),
    ("5 jarrah parade", "5 jarrah pde"),
    ("11 ocean boulevarde", "11 ocean blvd"),
    ("7 pacific highway", "7 pacific hwy"),
    ("7 rose crt", "7 rose ct"),
    ("80 wattle grove", "80 wattle grv"),
    ("1 macquarie place", "1 macquarie pl"),
    ("2 lake burley griffin way", "2 lake burley griffin way"),
    ("100 W 2nd St Ste 200", "100 w 2nd st unit 200"),  # ordinals stay
    ("1 1st Avenue", "1 1st ave"),
    ("2nd Street", "2nd st"),
    ("12 Court Street", "12 court st"),  # only the last type word is a type
    ("Avenue Road", "avenue rd"),
    ("12 St Kilda Road", "12 st kilda rd"),  # "St" before a name: left as written
    ("12 Saint Kilda Road", "12 saint kilda rd"),  # "Saint" is never rewritten
    ("The Crescent", "the cres"),
    ("North Street", "north st"),  # a directional that is the whole name is the name
    ("1200 N St NW", "1200 nw n st"),
    ("South West Road", "south west rd"),
    ("12 Old North Rd", "12 old north rd"),
    ("Flat Rock Road", "flat rock rd"),  # no unit id after "Flat"
    ("rue Ste Catherine 5", "5 rue ste catherine"),
    ("Ste A, 12 Main St", "12 main st unit a"),
    ("Level 3, Suite 301, 12 Main St", "12 main st unit 3 unit 301"),
    ("Route 66", "rte 66"),  # a road's own number is no house number
    ("1234 State Highway 9", "1234 state hwy 9"),
    ("Berliner Straße 12", "12 berliner st"),
    ("Am Markt 5", "5 am markt"),
    ("Mühlenweg 3a", "3a muhlenweg"),
    ("Kerkstraat 12", "12 kerkstraat"),
    ("12 rue de la Paix", "12 rue de la paix"),  # French "la" is no lane
    ("avenue Jean Jaurès", "ave jean jaures"),
    ("boulevard Voltaire 12", "12 blvd voltaire"),
    ("place de l'Église", "pl de leglise"),
    ("Søndergade 12", "12 sondergade"),
    ("Apt. 4-B, 12 Main St", "12 main st unit 4b"),
    ("12A Main St", "12a main st"),
    ("12-a main st", "12a main st"),
    ("12", "12"),
    ("  12   MAIN   ST  ", "12 main st"),
]


@pytest.mark.parametrize(("raw", "key"), STREETS)
def test_standardise_street(raw, key):
    assert standardise_street(raw) == key


def _febrl_line(street_number: str, address_1: str, address_2: str) -> str:
    return " ".join(part for part in (street_number, address_1, address_2) if part)


@pytest.mark.parametrize(("fields", "parts"), [
    (("17", "wicks street", ""), ("17", "wicks st", None)),
    (("17", "wicks street", "unit 5"), ("17", "wicks st", "5")),
    (("3", "bunya circuit", "flat 3"), ("3", "bunya cct", "3")),
    (("", "kingsmill crescent", "rosedale"), (None, "kingsmill cres rosedale", None)),
    (("124", "jarrah parade", "apt 12b"), ("124", "jarrah pde", "12b")),
])  # fmt: skip
def test_febrl_fields_split_into_number_street_and_unit(fields, parts):
    assert split_street(_febrl_line(*fields)) == StreetParts(*parts)


@pytest.mark.parametrize(("raw", "parts"), [
    ("12 North Main Street, Apt 4B", ("12", "n main st", "4b")),
    ("Hauptstraße 5", ("5", "haupt st", None)),
    ("Unit 5/17 Wicks St", ("17", "wicks st", "5")),
    ("PO Box 123", (None, "po box 123", None)),
    ("Level 3, Suite 301, 12 Main St", ("12", "main st", "3 301")),
    ("apt 4", (None, None, "4")),
    ("12", ("12", None, None)),
])  # fmt: skip
def test_split_street_parts(raw, parts):
    number, street, unit = split_street(raw)
    assert (number, street, unit) == parts


@pytest.mark.parametrize("raw", ["", "   ", " ,.;- ", "#", None, float("nan"), 12, b"12 main"])
def test_nothing_address_like_is_none(raw):
    assert standardise_street(raw) is None
    assert split_street(raw) == StreetParts(None, None, None)


def test_the_type_table_maps_every_short_form_to_itself():
    assert all(STREET_TYPES[short] == short for short in STREET_TYPES.values())
    assert all(DIRECTIONS[short] == short for short in DIRECTIONS.values())
    assert not set(STREET_TYPES) & set(DIRECTIONS), "a word is a type or a direction, not both"
    assert not set(STREET_TYPES) & UNIT_WORDS


POSTCODES = [
    ("sw1a1aa", "GB", "SW1A 1AA"),
    (" SW1A  1AA ", "GB", "SW1A 1AA"),
    ("sw1a-1aa", "uk", "SW1A 1AA"),
    ("m11ae", "GB", "M1 1AE"),
    ("EC1A1BB", "GB", "EC1A 1BB"),
    ("SW1A", "GB", "SW1A"),  # an outward code alone stays as written
    ("12345-6789", "US", "12345"),
    ("12345 6789", "US", "12345"),
    ("123456789", "US", "12345"),
    ("02134", "US", "02134"),
    (2134, "US", "02134"),  # leading zero lost in a spreadsheet
    ("2134", "US", "02134"),
    (2134.0, "US", "02134"),
    ("k1a0b1", "CA", "K1A 0B1"),
    ("K1A-0B1", "CA", "K1A 0B1"),
    ("1234ab", "NL", "1234 AB"),
    ("1234 ab", "NL", "1234 AB"),
    ("d02x285", "IE", "D02 X285"),
    ("10115", "DE", "10115"),
    (" 101 15 ", "DE", "10115"),
    ("01067", "DE", "01067"),
    (1067.0, "DE", "01067"),
    ("75008", "FR", "75008"),
    (2600.0, "AU", "2600"),
    (2600, "AU", "2600"),
    ("2600.0", "AU", "2600"),
    (np.float64(800.0), "AU", "0800"),
    (np.int64(3000), "AU", "3000"),
    ("00-950", "PL", "00-950"),
    ("00950", "PL", "00-950"),
    ("12345", "SE", "123 45"),
    ("1000-001", "PT", "1000-001"),
    ("1000001", "JP", "100-0001"),
    ("sw1a1aa", None, "SW1A 1AA"),  # shapes no other country uses need no country
    ("k1a 0b1", None, "K1A 0B1"),
    ("1234ab", "Netherlands", "1234 AB"),
    ("12345-6789", None, "12345"),
    ("2600", None, "2600"),
    ("00-950", None, "00-950"),
    ("  c1425  dkc ", "AR", "C1425 DKC"),  # a country without a rule: upper, spaces collapsed
    ("abc", "DE", "ABC"),  # not a German code: kept as written, not guessed at
]


@pytest.mark.parametrize(("raw", "country", "key"), POSTCODES)
def test_standardise_postcode(raw, country, key):
    assert standardise_postcode(raw, country) == key


@pytest.mark.parametrize("raw", [
    "", "  ", "--", " - / ", None, float("nan"), float("inf"), 2600.5, -2600, True, ["2600"],
])  # fmt: skip
def test_no_postcode_is_none(raw):
    assert standardise_postcode(raw, "AU") is None
    assert standardise_postcode(raw) is None


CITIES = [
    ("St. Louis", "saint louis"),
    ("Saint Louis", "saint louis"),
    ("ST LOUIS", "saint louis"),
    ("Saint-Louis", "saint louis"),
    ("Sault Ste. Marie", "sault sainte marie"),
    ("Sainte-Foy", "sainte foy"),
    ("St. John's", "saint johns"),
    ("Mt Vernon", "mount vernon"),
    ("Mount Vernon", "mount vernon"),
    ("Ft. Worth", "fort worth"),
    ("Fort Worth", "fort worth"),
    ("München", "munchen"),
    ("Gießen", "giessen"),
    ("Frankfurt am Main", "frankfurt am main"),
    ("  New   York ", "new york"),
    ("Saint-Étienne", "saint etienne"),
    ("Kraków", "krakow"),
    ("Ålesund", "alesund"),
    ("Łódź", "lodz"),
]


@pytest.mark.parametrize(("raw", "key"), CITIES)
def test_standardise_city(raw, key):
    assert standardise_city(raw) == key


@pytest.mark.parametrize("raw", ["", "  ", "-", None, float("nan"), 5])
def test_no_city_is_none(raw):
    assert standardise_city(raw) is None


_STREET_KEYS = sorted({key for _, key in SAME_STREET} | {key for _, key in STREETS})


@pytest.mark.parametrize("key", _STREET_KEYS)
def test_a_street_key_is_its_own_key(key):
    assert standardise_street(key) == key
    number, street, unit = split_street(key)
    units = [f"unit {unit_id}" for unit_id in (unit or "").split()]
    assert " ".join(filter(None, (number, street, *units))) == key, "the key is its parts"


@pytest.mark.parametrize(("key", "country"), sorted({(key, c or "") for _, c, key in POSTCODES}))
def test_a_postcode_key_is_its_own_key(key, country):
    assert standardise_postcode(key, country or None) == key


@pytest.mark.parametrize("key", sorted({key for _, key in CITIES}))
def test_a_city_key_is_its_own_key(key):
    assert standardise_city(key) == key


def test_streets_column_standardises_each_distinct_line_once(monkeypatch):
    calls = []

    def counting(value):
        calls.append(value)
        return standardise_street(value)

    monkeypatch.setattr(address, "standardise_street", counting)
    values = pd.Series(["12 N Main St #4b", None, "12 North Main Street, Apt 4B", np.nan,
                        "12 N Main St #4b", "", "Hauptstraße 5"], index=range(10, 17))
    keys = standardise_streets(values)
    assert keys.tolist() == ["12 n main st unit 4b", None, "12 n main st unit 4b", None,
                             "12 n main st unit 4b", None, "5 haupt st"]
    assert keys.index.tolist() == [10, 11, 12, 13, 14, 15, 16]
    assert keys.dtype == object
    assert sorted(calls) == sorted(["12 N Main St #4b", "12 North Main Street, Apt 4B", "",
                                    "Hauptstraße 5"])


def test_postcodes_column_reads_each_row_in_its_own_country():
    values = pd.Series([2600.0, np.nan, 2134.0, 2600.0, 2134.0, 1067.0], index=list("abcdef"))
    countries = pd.Series(["AU", "AU", "US", "AU", None, "DE"], index=list("abcdef"))
    keys = standardise_postcodes(values, countries)
    assert keys.tolist() == ["2600", None, "02134", "2600", "2134", "01067"]
    assert keys.index.tolist() == list("abcdef")

    mixed = pd.Series(["sw1a1aa", None, "SW1A 1AA", "k1a0b1", "12345-6789"], index=[5, 4, 3, 2, 1])
    assert standardise_postcodes(mixed).tolist() == ["SW1A 1AA", None, "SW1A 1AA", "K1A 0B1",
                                                     "12345"]
    with_countries = standardise_postcodes(mixed, pd.Series(["GB", "GB", np.nan, "CA", "US"]))
    assert with_countries.tolist() == ["SW1A 1AA", None, "SW1A 1AA", "K1A 0B1", "12345"]
    assert with_countries.index.tolist() == [5, 4, 3, 2, 1]


def test_postcodes_column_without_rows():
    empty = pd.Series([], dtype=object)
    assert standardise_postcodes(empty, pd.Series([], dtype=object)).tolist() == []
    assert standardise_postcodes(empty).tolist() == []


def test_cities_column():
    values = pd.Series(["St. Louis", "Saint Louis", None, np.nan, "St. Louis", "  "])
    assert standardise_cities(values).tolist() == ["saint louis", "saint louis", None, None,
                                                   "saint louis", None]
