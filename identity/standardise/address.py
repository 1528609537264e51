"""Postal addresses as match keys: street lines, postcodes and city names.

The shop, the ERP, the newsletter tool and the FEBRL benchmark write one address
many ways: "12 North Main Street, Apt 4B", "12 N Main St #4b", "apartment 4b,
12 main st north". The comparisons downstream (exact, Jaro-Winkler, token overlap
in SQL) see only text, so every spelling of one address has to become one text
first. No address parser is available (usaddress, libpostal), and a parser's
occasional wrong guess would not help anyway: what matters is that both sides of
a comparison get the same treatment, so fixed rules that are idempotent and
order-insensitive beat clever ones.

A street key reads ``"<number> <street> unit <id>"``: folded (case, accents,
punctuation), the street type and a leading or trailing directional in one short
form (USPS Publication 28 style, with the Australian types FEBRL uses), and unit
designators moved to the end, wherever the source put them. Postcodes take their
country's written form; city names fold and spell out "St", "Mt" and "Ft".
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import pandas as pd

from identity.standardise.phone import normalise_region
from identity.standardise.vector import map_distinct

# Canonical street type -> the spellings that mean it. Only the last type word of a
# street name is rewritten ("Court Street" -> "court st", "St Kilda Rd" keeps its
# "st"), so a table word that is part of the name stays as written. Ambiguous short
# forms are left out: "la" (Australian lane, but French "rue de la Paix") and "cr"
# (crescent or creek).
_STREET_TYPE_SPELLINGS = {
    "aly": "alley allee ally",
    "ave": "avenue av aven avenu avn avnue",
    "blvd": "boulevard boulevarde boul boulv bvd bvde bd",
    "cct": "circuit crct",
    "cir": "circle circ circl crcl crcle",
    "cl": "close",
    "cres": "crescent cresc crsnt",
    "ct": "court crt",
    "ctr": "centre center cntr",
    "cv": "cove",
    "dr": "drive driv drv",
    "esp": "esplanade",
    "expy": "expressway expr expw",
    "fwy": "freeway frwy",
    "gdns": "gardens",
    "gln": "glen",
    "grv": "grove",
    "hl": "hill",
    "hts": "heights",
    "hwy": "highway highwy hiway hiwy hway",
    "ln": "lane",
    "loop": "",
    "mews": "",
    "park": "pk prk",
    "pde": "parade prde",
    "pkwy": "parkway parkwy pkway pky",
    "pl": "place",
    "plz": "plaza plza",
    "prom": "promenade",
    "pt": "point",
    "rd": "road",
    "rdg": "ridge",
    "rise": "",
    "row": "",
    "rte": "route",
    "sq": "square sqr squ",
    "st": "street str strt strasse",
    "ter": "terrace terr tce",
    "trl": "trail",
    "vw": "view",
    "walk": "",
    "way": "wy",
    "xing": "crossing crssng",
}
#: Every spelling of a street type (canonical forms included) -> its canonical form.
STREET_TYPES = {
    spelling: canonical
    for canonical, spellings in _STREET_TYPE_SPELLINGS.items()
    for spelling in (canonical, *spellings.split())
}
#: Directionals in one short form; a pair such as "south west" joins to "sw".
DIRECTIONS = {
    "north": "n", "south": "s", "east": "e", "west": "w", "northeast": "ne",
    "northwest": "nw", "southeast": "se", "southwest": "sw",
    **{short: short for short in ("n", "s", "e", "w", "ne", "nw", "se", "sw")},
}  # fmt: skip
#: Words that announce a unit id ("apt 4b", "flat 3", "#4b"); all become "unit".
UNIT_WORDS = frozenset({
    "apartment", "apt", "appt", "unit", "suite", "ste", "flat", "level", "lvl", "floor", "fl",
    "flr", "room", "rm", "#",
})  # fmt: skip
# Road types whose trailing number is the road's, not a house's ("Route 66", "PO Box 12").
_NUMBERED_ROADS = frozenset({"box", "hwy", "rte", "fwy", "expy", "interstate"})

# Letters NFKD does not decompose into a base letter plus accents (ß casefolds to ss).
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d",
                          "þ": "th", "ı": "i"})  # fmt: skip
_APOSTROPHES = re.compile(r"['’‘`]")
_NUMBER_LETTER = re.compile(r"(\d)\s*[-‐‑–—]\s*([^\W\d_])\b")  # "12-A" -> "12a"
_RANGE = re.compile(r"(\d)\s*[-‐‑–—]\s*(\d)")  # "12 – 14" -> "12-14"
# Australian "4/12 Main St" (also "Unit 4/12 ..."): unit 4 of house 12.
_SLASH_UNIT = re.compile(
    r"\W*(?:(?:unit|apt|flat|u)\W*)?(?P<unit>[a-z]?\d+[a-z]?)\s*/\s*(?P<number>\d+[a-z]?)\b"
    r"(?P<rest>.*)",
    re.DOTALL,
)
_TOKEN = re.compile(r"#|\d+[^\W\d_]?(?:-\d+[^\W\d_]?)+|[^\W_]+")
_UNIT_WORD_ALTERNATIVES = "|".join(sorted((w for w in UNIT_WORDS if w.isalpha()), key=len,
                                           reverse=True))  # fmt: skip
_GLUED_UNIT = re.compile(rf"({_UNIT_WORD_ALTERNATIVES})(\d+[a-z]?)")  # "apt4b"
# German street words carry the type glued on: "Hauptstraße", "Hauptstr." read as
# "haupt strasse", the same as "Haupt-Straße" or "Haupt Str".
_GLUED_STRASSE = re.compile(r"([^\W\d_]{3,})(strasse|str)")
_UNIT_ID = re.compile(r"[a-z]|[a-z]{0,2}\d+[a-z]{0,2}")
_HOUSE_NUMBER = re.compile(r"\d+[a-z]?(?:-\d+[a-z]?)?")  # not an ordinal: "2nd" is a name


class StreetParts(NamedTuple):
    """A street line in parts for graded comparison (same house number, similar street).

    ``street`` is standardised like the key; ``unit`` holds the unit ids without
    their designators, space-separated when there are several ("3 301").
    """

    number: str | None
    street: str | None
    unit: str | None


def _fold(text: str) -> str:
    text = text.casefold()
    if not text.isascii():  # most lines are: no accents to strip
        text = unicodedata.normalize("NFKD", text.translate(_LETTERS))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _APOSTROPHES.sub("", text)  # "Queen's" and "Queens" are one word


def split_street(value: object) -> StreetParts:
    """House number, street name and unit of one street line; parts absent are None."""
    return _split(value) if isinstance(value, str) else StreetParts(None, None, None)


def standardise_street(value: object) -> str | None:
    """The match key of a street line: ``"apartment 4b, 12 main st north"`` ->
    ``"12 n main st unit 4b"``; None when nothing address-like is left."""
    number, street, unit = split_street(value)
    words = [part for part in (number, street) if part]
    words += [f"unit {unit_id}" for unit_id in (unit or "").split()]
    return " ".join(words) or None


@lru_cache(maxsize=500_000)
def _split(text: str) -> StreetParts:
    tokens, units = _take_units(_street_tokens(text))
    number, tokens = _take_number(tokens)
    return StreetParts(number, " ".join(_street_name(tokens)) or None, " ".join(units) or None)


def _street_tokens(text: str) -> list[str]:
    text = _RANGE.sub(r"\1-\2", _NUMBER_LETTER.sub(r"\1\2", _fold(text)))
    if m := _SLASH_UNIT.fullmatch(text):
        text = f"{m['number']} {m['rest']} unit {m['unit']}"
    tokens = []
    for token in _TOKEN.findall(text):
        glued = _GLUED_UNIT.fullmatch(token) or _GLUED_STRASSE.fullmatch(token)
        tokens.extend(glued.groups() if glued else (token,))
    return _po_box(tokens)


def _po_box(tokens: list[str]) -> list[str]:
    """"P.O. Box" and "Post Office Box" as "po box"."""
    for spelled in (["p", "o", "box"], ["post", "office", "box"]):
        for i in range(len(tokens) - len(spelled) + 1):
            if tokens[i : i + len(spelled)] == spelled:
                return [*tokens[:i], "po", "box", *tokens[i + len(spelled) :]]
    return tokens


def _take_units(tokens: list[str]) -> tuple[list[str], list[str]]:
    """The tokens without unit designators and their ids, and the ids in order.

    A designator counts only when an id follows (a number, "4b", or one letter), so
    "Flat Rock Road" and "Ste Catherine" keep their words.
    """
    kept: list[str] = []
    units: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in UNIT_WORDS:
            j = i + 1
            while j < len(tokens) and tokens[j] == "#":  # "apt #4b"
                j += 1
            if j < len(tokens) and _UNIT_ID.fullmatch(tokens[j]):
                units.append(tokens[j])
                i = j + 1
                continue
            if token == "#":  # a "#" that numbers nothing says nothing
                i += 1
                continue
        kept.append(token)
        i += 1
    return kept, units


def _take_number(tokens: list[str]) -> tuple[str | None, list[str]]:
    """The house number, leading ("12 Main St") or trailing ("Hauptstraße 12"), and the rest."""
    if tokens and _HOUSE_NUMBER.fullmatch(tokens[0]):
        return tokens[0], tokens[1:]
    if (len(tokens) >= 2 and _HOUSE_NUMBER.fullmatch(tokens[-1])
            and STREET_TYPES.get(tokens[-2], tokens[-2]) not in _NUMBERED_ROADS):
        return tokens[-1], tokens[:-1]
    return None, tokens


def _street_name(tokens: list[str]) -> list[str]:
    """Directional in front, last street type in short form.

    "Main St North" and "North Main St" are written for one street, so one
    directional moves to the front. A directional that is the whole name ("North
    Street", Washington's "N St") is the name and stays as written.
    """
    post, tokens = _edge_direction(tokens, at_end=True)
    pre, tokens = _edge_direction(tokens, at_end=False)
    if pre is None:
        pre, post = post, None
    tokens = list(tokens)
    for i in range(len(tokens) - 1, -1, -1):
        if tokens[i] in STREET_TYPES:
            tokens[i] = STREET_TYPES[tokens[i]]
            break
    return [word for word in (pre, *tokens, post) if word]


def _edge_direction(tokens: list[str], at_end: bool) -> tuple[str | None, list[str]]:
    for width in (2, 1):
        if len(tokens) <= width:
            continue
        edge = tokens[-width:] if at_end else tokens[:width]
        direction = _direction(edge)
        if direction is None:
            continue
        rest = tokens[:-width] if at_end else tokens[width:]
        if len(rest) > 1 or rest[0] not in STREET_TYPES:  # a name besides the type
            return direction, rest
        return None, tokens
    return None, tokens


def _direction(words: list[str]) -> str | None:
    found = [DIRECTIONS.get(word) for word in words]
    if len(found) == 1:
        return found[0]
    first, second = found
    return first + second if first in ("n", "s") and second in ("e", "w") else None


def standardise_streets(values: pd.Series) -> pd.Series:
    """Vectorised :func:`standardise_street`: one standardisation per distinct line."""
    return map_distinct(values, standardise_street)


class _Format(NamedTuple):
    pattern: re.Pattern[str]  # over the code without spaces and dashes
    separator: str  # between the pattern's groups
    width: int = 0  # digits of an all-numeric code, to restore lost leading zeros


def _formats(countries: str, pattern: str, sep: str = "", width: int = 0) -> dict[str, _Format]:
    form = _Format(re.compile(pattern), sep, width)
    return dict.fromkeys(countries.split(), form)


_UK = r"([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})"
_CANADA = r"([A-Z]\d[A-Z])(\d[A-Z]\d)"
_NETHERLANDS = r"(\d{4})([A-Z]{2})"
_POSTCODE_FORMATS: dict[str, _Format] = {
    **_formats("GB GG JE IM", _UK, " "),
    **_formats("CA", _CANADA, " "),
    **_formats("NL", _NETHERLANDS, " "),
    **_formats("IE", r"([AC-FHKNPRTV-Y]\d{2}|D6W)([\dAC-FHKNPRTV-Y]{4})", " "),
    **_formats("US PR", r"(\d{5})(?:\d{4})?", "", 5),  # ZIP+4 matches on its ZIP
    **_formats("PL", r"(\d{2})(\d{3})", "-", 5),
    **_formats("PT", r"(\d{4})(\d{3})", "-", 7),
    **_formats("JP", r"(\d{3})(\d{4})", "-", 7),
    **_formats("BR", r"(\d{5})(\d{3})", "-", 8),
    **_formats("SE CZ SK GR", r"(\d{3})(\d{2})", " ", 5),
    **_formats("DE FR IT ES FI EE HR LT MX MY TR UA", r"(\d{5})", "", 5),
    **_formats("AU NZ AT CH BE DK NO LU HU SI BG ZA PH", r"(\d{4})", "", 4),
    **_formats("IN SG CN RU", r"(\d{6})", "", 6),
}
# Shapes no other country uses: read so even without a country.
_UNAMBIGUOUS = tuple(_Format(re.compile(p), " ") for p in (_UK, _CANADA, _NETHERLANDS))
_ZIP_PLUS_4 = re.compile(r"(\d{5})[ -]\d{4}")
_FLOAT_TEXT = re.compile(r"(\d+)\.0+")  # "2600.0": a number that went through a float
_NOT_CODE = re.compile(r"[^A-Z\d\s-]+")
_SEPARATORS = re.compile(r"[\s-]+")


def standardise_postcode(value: object, country: str | None = None) -> str | None:
    """``value`` written as ``country`` (ISO alpha-2) writes it: "sw1a1aa" -> "SW1A 1AA".

    US ZIP+4 keeps its ZIP, as only some sources hold the +4. Numeric codes that
    lost leading zeros in a spreadsheet (``2134`` for Boston's ``02134``) get them
    back. Without a (known) country, UK, Canadian and Dutch shapes and ZIP+4 are
    still read, since no other country writes them; anything else is upper-cased
    with spaces collapsed.
    """
    text = _postcode_text(value)
    return None if text is None else _postcode(text, normalise_region(country))


def _postcode_text(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        if not math.isfinite(value) or not float(value).is_integer():
            return None
        value = int(value)
    if isinstance(value, numbers.Integral):
        return str(value) if value >= 0 else None
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKD", value.upper())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).strip()
    if m := _FLOAT_TEXT.fullmatch(text):
        text = m[1]
    text = " ".join(_NOT_CODE.sub(" ", text).split()).strip(" -")
    return text if any(ch.isalnum() for ch in text) else None


@lru_cache(maxsize=200_000)
def _postcode(text: str, region: str | None) -> str:
    compact = _SEPARATORS.sub("", text)
    form = _POSTCODE_FORMATS.get(region) if region else None
    if form is not None:
        if form.width and compact.isdigit() and form.width - 2 <= len(compact) < form.width:
            compact = compact.zfill(form.width)
        m = form.pattern.fullmatch(compact)
        return form.separator.join(m.groups()) if m else text
    if region is None:
        for form in _UNAMBIGUOUS:
            if m := form.pattern.fullmatch(compact):
                return form.separator.join(m.groups())
        if m := _ZIP_PLUS_4.fullmatch(text):
            return m[1]
    return text


def standardise_postcodes(values: pd.Series, countries: pd.Series | None = None) -> pd.Series:
    """Vectorised :func:`standardise_postcode`, once per distinct (postcode, country).

    ``countries`` holds each row's country, in ``values``' order.
    """
    if countries is None or values.empty:
        return map_distinct(values, standardise_postcode)
    pairs = pd.DataFrame({"postcode": values.to_numpy(dtype=object),
                          "country": countries.to_numpy(dtype=object)})  # fmt: skip
    pairs = pairs.where(pairs.notna(), "")
    codes, uniques = pd.MultiIndex.from_frame(pairs).factorize()
    keys = pd.Series([standardise_postcode(p, c) for p, c in uniques], dtype=object)
    return pd.Series(keys.to_numpy()[codes], index=values.index, dtype=object)


# Spelled out, because a city's saint is written every way: "St. Louis", "Saint Louis",
# "Sault Ste. Marie", "Mt Vernon", "Ft. Worth".
_CITY_WORDS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}
_WORD = re.compile(r"[^\W_]+")


def standardise_city(value: object) -> str | None:
    """The match key of a city name: "St. Louis" and "Saint-Louis" -> "saint louis"."""
    return _city(value) if isinstance(value, str) else None


@lru_cache(maxsize=200_000)
def _city(text: str) -> str | None:
    words = [_CITY_WORDS.get(word, word) for word in _WORD.findall(_fold(text))]
    return " ".join(words) or None


def standardise_cities(values: pd.Series) -> pd.Series:
    """Vectorised :func:`standardise_city`."""
    return map_distinct(values, standardise_city)
