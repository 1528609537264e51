"""Graded comparison levels, written as SQL the warehouse engine evaluates per pair.

A yes/no feature ("names equal") throws away what a near miss says: "Jon" against
"John" is strong evidence, "Jon" against "Mary" is evidence against. So each
field compares into ordered levels (exact, nickname, close, ...), each with its
own learned weight. Levels are SQL conditions over the two sides of a pair
(`l.<column>`, `r.<column>`), so DuckDB here, and Spark or a cloud warehouse
later, compute them without moving pairs into Python.

Level numbers: -1 when either side lacks the field (no evidence either way),
0 for "none of the levels", and `len(levels)` down to 1 for the levels in the
order given (best first).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

NULL_LEVEL = -1
ELSE_LEVEL = 0


@dataclass(frozen=True)
class Level:
    """One graded outcome of a comparison: a label people read, a SQL condition."""

    label: str
    sql: str
    #: the level means "the same value" (exact, or swapped into the other name
    #: field), so the comparison's term frequency adjusts its weight
    same_value: bool = False
    #: this level and every better one identify a person, not a household (see
    #: `identifying`): a shared mailbox, a birthday; a name only with its address
    identifying: bool = False


@dataclass(frozen=True)
class Comparison:
    """A field compared into levels; `columns` must be present on both sides."""

    name: str
    columns: tuple[str, ...]
    levels: tuple[Level, ...]
    #: column whose value frequency replaces u at the `same_value` levels: two
    #: records sharing "Smith" say less than two sharing "Szczepanski"
    term_frequency: str | None = None
    #: missing only when a side lacks every column (a city without a postcode
    #: still says something), instead of when it lacks any
    missing_when_all_null: bool = False
    #: further columns the levels read (not checked for missing values)
    uses: tuple[str, ...] = ()
    #: comparisons of one group identify only together (a first name alone does not)
    identifying_group: str | None = None

    def identifying_level(self) -> int | None:
        """The lowest level number that identifies a person, or None."""
        flagged = [len(self.levels) - i for i, lv in enumerate(self.levels) if lv.identifying]
        return min(flagged) if flagged else None

    @property
    def gamma(self) -> str:
        """The column holding this comparison's level for a pair."""
        return f"g_{self.name}"

    @property
    def tf(self) -> str:
        """The column holding, for a pair at the exact level, its value's frequency."""
        return f"tf_{self.name}"

    def same_value_levels(self) -> list[int]:
        return [len(self.levels) - i for i, lv in enumerate(self.levels) if lv.same_value]

    def tf_sql(self) -> str:
        """The shared value's frequency among records at a same-value level, else NULL.

        The value is the left record's (`l.<column>`), whose frequency in that
        column the records table holds.
        """
        same = " OR ".join(f"({lv.sql})" for lv in self.levels if lv.same_value)
        return f"CASE WHEN {same} THEN l.tf_{self.term_frequency} END"

    def level_numbers(self) -> list[int]:
        """Every level a pair can take, the null level included."""
        return [NULL_LEVEL, ELSE_LEVEL, *range(1, len(self.levels) + 1)]

    def label(self, level: int) -> str:
        if level == NULL_LEVEL:
            return "missing"
        if level == ELSE_LEVEL:
            return "different"
        return self.levels[len(self.levels) - level].label

    def case_sql(self) -> str:
        """`CASE ... END` giving the level of the pair `l`, `r`."""
        if self.missing_when_all_null:
            null = " OR ".join(
                "(" + " AND ".join(f"{side}.{c} IS NULL" for c in self.columns) + ")"
                for side in "lr")
        else:
            null = " OR ".join(f"l.{c} IS NULL OR r.{c} IS NULL" for c in self.columns)
        whens = " ".join(
            f"WHEN {level.sql} THEN {len(self.levels) - i}" for i, level in enumerate(self.levels)
        )
        return f"CASE WHEN {null} THEN {NULL_LEVEL} {whens} ELSE {ELSE_LEVEL} END"


def _jw(column: str, threshold: float, identifying: bool = False) -> Level:
    return Level(
        f"Jaro-Winkler >= {threshold}",
        f"jaro_winkler_similarity(l.{column}, r.{column}) >= {threshold}",
        identifying=identifying,
    )


def _exact(column: str, label: str = "exact") -> Level:
    return Level(label, f"l.{column} = r.{column}", same_value=True)


def _edits(column: str, at_most: int) -> Level:
    return Level(
        f"at most {at_most} edit{'s' if at_most > 1 else ''}",
        f"levenshtein(l.{column}, r.{column}) <= {at_most}",
    )


def first_name() -> Comparison:
    """Folded first names: exact, nickname-equivalent ("Bill"/"William"), close, initial."""
    return Comparison("first_name", ("first_key",), term_frequency="first_key",
                      uses=("last_key", "first_canonical"), identifying_group="name", levels=(
        _exact("first_key"),
        Level("swapped with the last name",
              "l.first_key = r.last_key AND l.last_key = r.first_key", same_value=True),
        Level("same canonical name (nickname)", "l.first_canonical = r.first_canonical"),
        _jw("first_key", 0.92, identifying=True),
        _jw("first_key", 0.8),
        Level("same initial", "left(l.first_key, 1) = left(r.first_key, 1)"),
    ))  # fmt: skip


def last_name() -> Comparison:
    return Comparison("last_name", ("last_key",), term_frequency="last_key",
                      uses=("first_key",), identifying_group="name", levels=(
        _exact("last_key"),
        Level("swapped with the first name",
              "l.first_key = r.last_key AND l.last_key = r.first_key", same_value=True),
        _jw("last_key", 0.92, identifying=True),
        _jw("last_key", 0.8),
    ))  # fmt: skip


def date_of_birth() -> Comparison:
    """ISO dates `YYYY-MM-DD`: exact, day and month swapped, one or two typed digits off."""
    return Comparison("date_of_birth", ("dob_key",), (
        _exact("dob_key"),
        Level(
            "day and month swapped",
            "left(l.dob_key, 4) = left(r.dob_key, 4) AND substr(l.dob_key, 6, 2) = "
            "substr(r.dob_key, 9, 2) AND substr(l.dob_key, 9, 2) = substr(r.dob_key, 6, 2)",
            identifying=True,
        ),
        # ISO dates are all ten characters, so a typed digit is a substitution:
        # Hamming distance, a fifth of Levenshtein's cost per pair
        Level("one digit different", "length(l.dob_key) = length(r.dob_key) AND "
                                     "hamming(l.dob_key, r.dob_key) <= 1"),
        Level("two digits different", "length(l.dob_key) = length(r.dob_key) AND "
                                      "hamming(l.dob_key, r.dob_key) <= 2"),
    ))  # fmt: skip


def street() -> Comparison:
    """Street lines: exact, same house number on a close street name, close, same street."""
    return Comparison("street", ("street_key",), uses=("house_number", "street_name_key"),
                      identifying_group="name", levels=(
        _exact("street_key"),
        Level(
            "same house number, street name Jaro-Winkler >= 0.88",
            "l.house_number = r.house_number AND "
            "jaro_winkler_similarity(l.street_name_key, r.street_name_key) >= 0.88",
            identifying=True,
        ),
        _jw("street_key", 0.9),
        Level("same street name", "l.street_name_key = r.street_name_key"),
        _jw("street_key", 0.75),
    ))  # fmt: skip


def place() -> Comparison:
    """Postcode and city as one comparison, because they are not independent.

    As two comparisons, two neighbours in one city would count the city and
    the nearly equal postcode as two pieces of evidence, when the second mostly
    repeats the first.
    """
    return Comparison(
        "place", ("postcode_key", "city_key"), term_frequency="postcode_key",
        missing_when_all_null=True, identifying_group="name", levels=(
            _exact("postcode_key", "same postcode"),
            Level("same city, postcode one edit apart",
                  "l.city_key = r.city_key AND levenshtein(l.postcode_key, r.postcode_key) <= 1",
                  identifying=True),
            Level("same city", "l.city_key = r.city_key"),
            Level("postcode one edit apart", "levenshtein(l.postcode_key, r.postcode_key) <= 1"),
            _jw("city_key", 0.88),
        ))  # fmt: skip


def region() -> Comparison:
    return Comparison("region", ("region_key",), (_exact("region_key"),))


def email() -> Comparison:
    """Standardised emails: the same mailbox, or the same local part at another provider.

    No "similar local part" level: local parts are mostly names plus digits, so
    their similarity repeats the name comparisons' evidence (namesakes'
    "nicolas13984" and "nicolas73684" look alike) instead of adding its own.
    """
    return Comparison("email", ("email_key",), (
        _exact("email_key"),
        Level("same local part",
              "split_part(l.email_key, '@', 1) = split_part(r.email_key, '@', 1)",
              identifying=True),
    ))  # fmt: skip


def phone() -> Comparison:
    return Comparison("phone", ("phone_key",), (
        _exact("phone_key"),
        Level("same last 7 digits", "right(l.phone_key, 7) = right(r.phone_key, 7)"),
        _edits("phone_key", 1),
    ))  # fmt: skip


ALL = (first_name, last_name, date_of_birth, street, place, region, email, phone)


def default_comparisons(columns: Iterable[str]) -> list[Comparison]:
    """The default comparisons whose columns the records have."""
    have = set(columns)
    return [c for make in ALL if {*(c := make()).columns, *c.uses} <= have]


def gamma_select(comparisons: Sequence[Comparison], with_tf: bool = False) -> str:
    """The select list of every comparison's level, named by `Comparison.gamma`,
    and with `with_tf` the term frequencies of the comparisons that use them."""
    items = [f"{c.case_sql()} AS {c.gamma}" for c in comparisons]
    if with_tf:
        items += [f"{c.tf_sql()} AS {c.tf}" for c in comparisons if c.term_frequency]
    return ",\n       ".join(items)


def identifying(pairs: pd.DataFrame, comparisons: Sequence[Comparison]) -> np.ndarray:
    """Per pair, whether its levels identify one person rather than one household.

    A household shares a street, a postcode, a landline and often a surname;
    the model may score a pair high on those alone. A pair is identifying when
    one comparison reaches its identifying level (the same email local part,
    the same birthday) or every comparison of a group does: a close first and
    last name at the same house (street and place). A name alone is not
    enough: in a million-person world, of the pairs scored over 0.95 on an
    exact first and last name with no address and different emails, 3 of
    10,273 were one person; with the same street and postcode, 13,268 of
    14,130. A group's comparisons the records lack (no street column at all)
    drop out of it.
    """
    groups: dict[str, list[np.ndarray]] = {}
    for c in comparisons:
        level = c.identifying_level()
        if level is not None:
            reached = pairs[c.gamma].to_numpy() >= level
            groups.setdefault(c.identifying_group or c.name, []).append(reached)
    found = np.zeros(len(pairs), dtype=bool)
    for parts in groups.values():
        found |= np.logical_and.reduce(parts)
    return found
