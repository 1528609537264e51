"""Dates of birth in any common spelling, as one ISO date or nothing.

Sources write the same birthday as `1990-01-31`, `31/01/1990`, `01/31/1990`,
`31.01.90`, `19900131` or `31 Jan 1990`. Matching compares calendar dates,
so each spelling becomes a `datetime.date`; a value that names no real,
plausible date (30 February, a year before 1900, a day in the future) becomes
None rather than a guess, because a wrong birthday is evidence against a true
match and for a false one.

Numeric day/month order is ambiguous (`03/04/1990`). A part above 12 settles
it; otherwise `day_first` decides (True for most of the world; False for US
data). Two-digit years fall in the century that puts them in the past.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import partial

import pandas as pd

from identity.standardise.vector import map_distinct

EARLIEST = dt.date(1900, 1, 1)

_MONTHS = {name: i for i, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
    ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
    ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december"),
), start=1) for name in names}

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[t ].*)?")  # text is lower-cased
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUMERIC = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})")
_WORD_DAY_FIRST = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s.-]+([a-z]+)\.?,?[\s.-]+(\d{2}|\d{4})")
_WORD_MONTH_FIRST = re.compile(r"([a-z]+)\.?[\s.-]+(\d{1,2})(?:st|nd|rd|th)?,?[\s.-]+(\d{2}|\d{4})")


def parse_date_of_birth(value: object, day_first: bool = True,
                        today: dt.date | None = None) -> dt.date | None:
    """The calendar date `value` spells, or None when it names no plausible birthday."""
    today = today or dt.date.today()
    if isinstance(value, dt.datetime):
        return _plausible(value.date(), today)
    if isinstance(value, dt.date):
        return _plausible(value, today)
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if not text:
        return None
    found = _parse_text(text, day_first, today)
    return _plausible(found, today) if found else None


def _parse_text(text: str, day_first: bool, today: dt.date) -> dt.date | None:
    if m := _ISO.fullmatch(text):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := _COMPACT.fullmatch(text):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := _NUMERIC.fullmatch(text):
        first, second, year = int(m[1]), int(m[2]), _year(m[3], today)
        if first > 12 or (day_first and second <= 12):
            return _date(year, second, first)
        return _date(year, first, second)
    if m := _WORD_DAY_FIRST.fullmatch(text):
        month = _MONTHS.get(m[2])
        return _date(_year(m[3], today), month, int(m[1])) if month else None
    if m := _WORD_MONTH_FIRST.fullmatch(text):
        month = _MONTHS.get(m[1])
        return _date(_year(m[3], today), month, int(m[2])) if month else None
    return None


def _year(text: str, today: dt.date) -> int:
    """A four-digit year as is; a two-digit one in the latest century not in the future."""
    year = int(text)
    if len(text) == 4:
        return year
    century = today.year - today.year % 100
    return century + year if century + year <= today.year else century - 100 + year


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:  # 30 February, month 13
        return None


def _plausible(date: dt.date, today: dt.date) -> dt.date | None:
    return date if EARLIEST <= date <= today else None


def parse_dates_of_birth(values: pd.Series, day_first: bool = True) -> pd.Series:
    """Vectorised `parse_date_of_birth`: one parse per distinct spelling."""
    return map_distinct(values, partial(parse_date_of_birth, day_first=day_first))


def day_month_swapped(left: dt.date | None, right: dt.date | None) -> bool:
    """Whether two different dates are one birthday with day and month transposed
    (a US-ordered source read day-first): a comparison level of its own."""
    if left is None or right is None or left == right or left.year != right.year:
        return False
    return (left.month, left.day) == (right.day, right.month)
