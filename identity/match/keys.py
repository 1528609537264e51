"""The table of match keys the SQL stages read: one row per record, standardised values.

Blocking and comparison SQL reads only these columns, all plain text, so the
same table could be written to any warehouse and matched there. A phonetic
code of the surname lets one blocking pass meet records whose surnames were
misspelt the way people hear them ("Smith", "Smyth").
"""

from __future__ import annotations

import jellyfish
import numpy as np
import pandas as pd

from identity.standardise.vector import map_distinct

#: standardised column -> match-key column, when the record has it
KEY_SOURCES = {
    "source": "source",
    "first_key": "first_key",
    "first_canonical": "first_canonical",
    "last_key": "last_key",
    "email_key": "email_key",
    "phone_key": "phone_key",
    "street_key": "street_key",
    "house_number": "house_number",
    "street_name_key": "street_name_key",
    "city_key": "city_key",
    "postcode_key": "postcode_key",
    "region_key": "region_key",
    "dob_key": "dob_key",
}


def match_keys(std: pd.DataFrame) -> pd.DataFrame:
    """Match keys of standardised records (index 0..n-1 becomes `rid`)."""
    out = pd.DataFrame({"rid": range(len(std))})
    for column, key in KEY_SOURCES.items():
        if column in std.columns:
            out[key] = _text(std[column])
    if "last_key" in out.columns:
        out["last_sound"] = map_distinct(out["last_key"], _sound)
    if "first_key" in out.columns:
        out["first_sound"] = map_distinct(out["first_key"], _sound)
    if {"first_key", "last_key"} <= set(out.columns):
        out["name_pair"] = _name_pairs(out["first_key"], out["last_key"])
    return out


def _text(values: pd.Series) -> pd.Series:
    """Object column of str or None (never NaN or empty), as DuckDB VARCHAR."""
    out = values.astype(object).to_numpy(copy=True)
    missing = pd.isna(out)
    missing[~missing] = out[~missing] == ""
    out[missing] = None
    return pd.Series(out, dtype=object)


def _sound(value: str) -> str | None:
    code = jellyfish.metaphone(value.replace(" ", ""))
    return code or None


def _name_pairs(first: pd.Series, last: pd.Series) -> pd.Series:
    """Both names in sorted order: a blocking key that meets "Smith John" and "John Smith"."""
    out = np.full(len(first), None, dtype=object)
    both = (first.notna() & last.notna()).to_numpy()
    f, la = first.to_numpy()[both], last.to_numpy()[both]
    swap = f > la
    out[both] = np.where(swap, la, f) + " | " + np.where(swap, f, la)
    return pd.Series(out, dtype=object)
