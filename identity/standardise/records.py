"""Standardise the unified source records into match keys and display values.

One pass over the input (data-contract section 4) adds everything the later stages need;
each column comes from one standardiser, so a stage can be swapped without
touching the others. Distinct values are standardised once (see ``vector.py``).
"""

from __future__ import annotations

import logging
import re

import pandas as pd

from identity.settings import IdentitySettings
from identity.standardise.address import (
    split_street,
    standardise_cities,
    standardise_postcodes,
    standardise_street,
)
from identity.standardise.date import parse_dates_of_birth
from identity.standardise.email import clean_emails, email_keys
from identity.standardise.name import standardise_names
from identity.standardise.phone import e164_series, normalise_region
from identity.standardise.text import extract_emails, extract_phones
from identity.standardise.vector import map_distinct

log = logging.getLogger(__name__)

RECORD_COLUMNS = (
    "source", "source_id", "first_name", "last_name", "full_name", "email", "phone", "street",
    "city", "postcode", "country_code", "free_text", "cross_ref", "is_active",
    "source_updated_at",
)  # fmt: skip
#: Columns used when present (the CLI's input and FEBRL carry them, the warehouse may not;
#: the warehouse carries `source_created_at`, when the source created the record).
OPTIONAL_COLUMNS = ("date_of_birth", "region", "source_created_at")


def standardise_records(records: pd.DataFrame, settings: IdentitySettings) -> pd.DataFrame:
    """Keys and display values per record, on ``records``' index.

    Key columns: ``email_key``, ``text_email_key``, ``phone_key``, ``text_phone_key``,
    ``cross_ref_key``, ``source_id_key``, ``first_key``, ``last_key``, ``first_canonical``,
    ``street_key``, ``house_number``, ``street_name_key``, ``city_key``,
    ``postcode_key``, ``region_key``, ``dob_key`` (ISO date). Display columns
    keep the golden-profile attribute names.
    """
    missing = [c for c in RECORD_COLUMNS if c not in records.columns]
    if missing:
        raise ValueError(f"identity input lacks columns {missing}")
    out = pd.DataFrame(index=records.index)
    out["source"] = records["source"].astype(str)
    out["source_id"] = records["source_id"].astype(str)
    out = out.join(standardise_names(records))
    out["email"] = clean_emails(records["email"])
    out["email_key"] = email_keys(records["email"], settings.email)
    text_emails = extract_emails(records["free_text"])
    out["text_email_key"] = email_keys(text_emails, settings.email)
    country = map_distinct(records["country_code"], normalise_region)
    out["phone"] = e164_series(records["phone"], country, settings.default_phone_region)
    out["phone_key"] = out["phone"]
    out["text_phone_key"] = extract_phones(records["free_text"], settings.default_phone_region)
    for column in ("street", "city", "postcode"):
        out[column] = map_distinct(records[column], _clean_text)
    out["country_code"] = map_distinct(records["country_code"], _clean_country)
    out = out.join(address_keys(records["street"], records["city"], records["postcode"],
                                out["country_code"]))
    region = _optional(records, "region")
    out["region_key"] = map_distinct(region, lambda v: (_clean_text(v) or "").casefold() or None)
    birth = _optional(records, "date_of_birth")
    dates = parse_dates_of_birth(birth, day_first=settings.dates_day_first)
    out["dob_key"] = map_distinct(dates, lambda d: d.isoformat())
    pattern = re.compile(settings.cross_ref.id_pattern)
    out["cross_ref_key"] = map_distinct(records["cross_ref"], lambda v: _id_tail(v, pattern))
    # only the records a cross reference can name need their id's key: a million
    # regex calls saved when nothing refers across systems
    referable = out["source"].eq(settings.cross_ref.to_source).to_numpy()
    referable &= bool(out["cross_ref_key"].notna().any())
    out["source_id_key"] = map_distinct(out["source_id"].where(referable, None),
                                        lambda v: _id_tail(v, pattern))
    out["is_active"] = records["is_active"].astype("boolean").fillna(True).astype(bool)
    out["source_updated_at"] = utc_naive(records["source_updated_at"])
    out["source_created_at"] = utc_naive(_optional(records, "source_created_at"))
    return out


def street_parts(line: object) -> tuple[str | None, str | None, str | None]:
    """A street line's match key, house number and street name (a module-level
    function, so worker processes can run it)."""
    return (standardise_street(line), *split_street(line)[:2])


def address_keys(street: pd.Series, city: pd.Series, postcode: pd.Series,
                 country: pd.Series) -> pd.DataFrame:
    """Street, its house number and name apart, city and postcode as match keys."""
    out = pd.DataFrame(index=street.index)
    # one pass over the distinct lines gives all three street columns
    parts = map_distinct(street, street_parts, parallel=True)
    nothing = (None, None, None)
    rows = [p if p is not None else nothing for p in parts.to_numpy()]
    for i, column in enumerate(("street_key", "house_number", "street_name_key")):
        out[column] = pd.Series([row[i] for row in rows], index=street.index, dtype=object)
    out["city_key"] = standardise_cities(city)
    out["postcode_key"] = standardise_postcodes(postcode, country)
    return out


def _optional(records: pd.DataFrame, column: str) -> pd.Series:
    """An optional contract column (OPTIONAL_COLUMNS), all NULL where the input lacks it."""
    return records[column] if column in records.columns else _nulls(records)


def _nulls(records: pd.DataFrame) -> pd.Series:
    return pd.Series(None, index=records.index, dtype=object)


def utc_naive(values: pd.Series) -> pd.Series:
    """Timestamps as naive UTC; text in ISO 8601 (``Z``, ``+00:00`` or Odoo's space form)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values, utc=True)
    else:
        parsed = pd.to_datetime(values, utc=True, errors="coerce", format="ISO8601")
        bad = int((parsed.isna() & values.notna()).sum())
        if bad:
            log.warning("%d %s values are not ISO 8601; treated as unknown", bad,
                        values.name or "timestamp")
    return parsed.dt.tz_localize(None)


def _clean_text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def _clean_country(value: object) -> str | None:
    text = _clean_text(value)
    return text.upper() if text else None


def _id_tail(value: object, pattern: re.Pattern[str]) -> str | None:
    """The id a reference carries: "gid://shopify/Customer/42" and "42" both give "42"."""
    if value is None or isinstance(value, bool):
        return None
    match = pattern.search(str(value).strip())
    if match is None:
        return None
    return match.group(1).lstrip("0") or "0"
