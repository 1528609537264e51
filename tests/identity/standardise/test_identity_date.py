"""Dates of birth: every common spelling to one date; implausible or ambiguous-by-error to None."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from identity.standardise.date import (
    day_month_swapped,
    parse_date_of_birth,
    parse_dates_of_birth,
)

TODAY = dt.date(2026, 12, 2)
BIRTHDAY = dt.date(1990, 1, 31)


@pytest.mark.parametrize("spelling", [
    "1990-01-31", "1990/01/31", "1990.1.31", "1990-01-31T00:00:00Z", "1990-01-31 00:00:00",
    "19900131", "31/01/1990", "31.01.1990", "31-01-1990", "31/1/90", "01/31/1990",
    "31 Jan 1990", "31st January 1990", "31-jan-1990", "Jan 31, 1990", "January 31st 1990",
    "  31 JAN 1990 ", dt.date(1990, 1, 31), dt.datetime(1990, 1, 31, 12, 30),
])
def test_every_common_spelling_is_the_same_day(spelling):
    assert parse_date_of_birth(spelling, today=TODAY) == BIRTHDAY


def test_ambiguous_numeric_order_follows_day_first():
    assert parse_date_of_birth("03/04/1990", today=TODAY) == dt.date(1990, 4, 3)
    assert parse_date_of_birth("03/04/1990", day_first=False, today=TODAY) == dt.date(1990, 3, 4)
    assert parse_date_of_birth("04/13/1990", today=TODAY) == dt.date(1990, 4, 13), (
        "a part above 12 is the day whatever the setting")


@pytest.mark.parametrize(("spelling", "year"), [("31/01/26", 2026), ("31/01/27", 1927),
                                                 ("31/01/90", 1990), ("31/01/00", 2000)])
def test_two_digit_years_are_in_the_past(spelling, year):
    assert parse_date_of_birth(spelling, today=TODAY) == dt.date(year, 1, 31)


@pytest.mark.parametrize("spelling", [
    "1990-02-30", "31/13/1990", "1899-12-31", "2027-01-01", "31 Foo 1990", "yesterday",
    "", "   ", "1990", "0", None, float("nan"), 19900131,
])
def test_no_plausible_birthday_is_none(spelling):
    assert parse_date_of_birth(spelling, today=TODAY) is None


def test_series_parse_once_per_spelling_and_keep_the_index():
    values = pd.Series(["31/01/1990", None, "1990-01-31", "31/01/1990", "nonsense"],
                       index=[10, 11, 12, 13, 14])
    parsed = parse_dates_of_birth(values)
    assert parsed.tolist() == [BIRTHDAY, None, BIRTHDAY, BIRTHDAY, None]
    assert parsed.index.tolist() == [10, 11, 12, 13, 14]


def test_a_day_month_transposition_is_recognised_and_nothing_else():
    assert day_month_swapped(dt.date(1990, 3, 4), dt.date(1990, 4, 3))
    assert not day_month_swapped(dt.date(1990, 3, 4), dt.date(1990, 3, 4)), "equal is not swapped"
    assert not day_month_swapped(dt.date(1990, 3, 4), dt.date(1991, 4, 3))
    assert not day_month_swapped(dt.date(1990, 3, 4), dt.date(1990, 4, 5))
    assert not day_month_swapped(None, dt.date(1990, 4, 3))
