"""Name compatibility: the evidence the household guard asks for.

A shared email or phone proves little on its own (families share an inbox and a
landline), so the guard asks whether the two names could belong to one person.
Each comparison answers AGREE, UNKNOWN (a side has no value) or DISAGREE;
distinct name pairs are compared once, so pair counts in the millions stay cheap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz.distance import JaroWinkler

from identity.settings import GuardSettings
from identity.standardise.nicknames import canonicals
from identity.standardise.vector import map_distinct_pairs

AGREE, UNKNOWN, DISAGREE = 1, 0, -1


def first_names_agree(a: str | None, b: str | None, threshold: float = 0.9) -> int:
    """Folded first names: equal, nickname-equivalent, initial of the other, or JW-close."""
    if not a or not b:
        return UNKNOWN
    if a == b:
        return AGREE
    ta, tb = a.split()[0], b.split()[0]
    if len(ta) == 1 or len(tb) == 1:
        return AGREE if ta[0] == tb[0] else DISAGREE
    if set(canonicals(ta)) & set(canonicals(tb)):
        return AGREE
    if max(JaroWinkler.similarity(a, b), JaroWinkler.similarity(ta, tb)) >= threshold:
        return AGREE
    return DISAGREE


def last_names_agree(a: str | None, b: str | None, threshold: float = 0.88) -> int:
    """Folded last names: equal (ignoring spaces), an initial ("Linda B."), one part of a
    double-barrelled other, or JW-close."""
    if not a or not b:
        return UNKNOWN
    if a.replace(" ", "") == b.replace(" ", ""):
        return AGREE
    if len(a) == 1 or len(b) == 1:
        return AGREE if a[0] == b[0] else DISAGREE
    ta, tb = set(a.split()), set(b.split())
    if ta <= tb or tb <= ta:
        return AGREE
    return AGREE if JaroWinkler.similarity(a, b) >= threshold else DISAGREE


def names_compatible(pairs: pd.DataFrame, guard: GuardSettings) -> pd.Series:
    """Whether each pair's names could be one person.

    ``pairs`` has ``first_key_l, last_key_l, first_key_r, last_key_r`` (folded). A pair
    is compatible when neither part disagrees (a missing part is no evidence
    against), or when first and last are swapped between the records.
    """
    first = map_distinct_pairs(
        pairs["first_key_l"],
        pairs["first_key_r"],
        lambda a, b: first_names_agree(a, b, guard.first_name_jw),
    ).astype(np.int8)
    last = map_distinct_pairs(
        pairs["last_key_l"],
        pairs["last_key_r"],
        lambda a, b: last_names_agree(a, b, guard.last_name_jw),
    ).astype(np.int8)
    compatible = (first != DISAGREE) & (last != DISAGREE)
    rest = pairs.loc[~compatible]
    if len(rest):
        swapped = [
            first_names_agree(fl, lr, guard.first_name_jw) == AGREE
            and last_names_agree(ll, fr, guard.last_name_jw) == AGREE
            for fl, ll, fr, lr in zip(
                rest["first_key_l"], rest["last_key_l"], rest["first_key_r"], rest["last_key_r"],
                strict=True,
            )
        ]
        compatible.loc[rest.index] = swapped
    return compatible
