"""Phone numbers as E.164 match keys.

The shop holds ``+1 (415) 555-0100``, the ERP ``0044 20 7946 0958`` or a
national ``020 7946 0958`` with the country only on the address. Parsing with
``phonenumbers`` in the record's own country (else a configured default)
gives one spelling per line; numbers that are not valid for their region
become ``None`` so fillers like ``000000`` never link anyone.
"""

from __future__ import annotations

import re
from functools import lru_cache, partial

import pandas as pd
import phonenumbers

from identity.standardise.vector import map_distinct, map_distinct_pairs

_EXTENSION = re.compile(r"\s*(?:ext\.?|x|#)\s*\d+\s*$", re.IGNORECASE)
_NOISE = re.compile(r"[^\d+]")


def dial_string(value: object) -> str | None:
    """Digits with a leading "+" for an international number: "0044 (0)20-7946" -> "+4420 7946".

    Extensions, spaces, dashes, dots, slashes and parentheses go; an "00" prefix
    becomes "+" whatever the region's own international prefix is.
    """
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    text = _EXTENSION.sub("", str(value).strip())
    text = text.replace("(0)", "")  # "+44 (0)20 ..." : the trunk 0 is not dialled abroad
    digits = _NOISE.sub("", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if "+" in digits[1:] or len(digits.lstrip("+")) < 6:
        return None
    return digits


@lru_cache(maxsize=200_000)
def _parse(digits: str, region: str | None) -> str | None:
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def e164(value: object, region: str | None = "US") -> str | None:
    """``value`` as E.164 (``+441234567890``) read in ``region``; ``None`` when invalid."""
    digits = dial_string(value)
    if digits is None:
        return None
    if digits.startswith("+"):
        return _parse(digits, None)  # the region does not matter: one parse per number
    region = normalise_region(region)
    return None if region is None else _parse(digits, region)


def normalise_region(region: object) -> str | None:
    """An ISO 3166 alpha-2 region phonenumbers knows (``uk`` -> ``GB``), else ``None``."""
    if not isinstance(region, str):
        return None
    code = region.strip().upper()
    code = _REGION_ALIASES.get(code, code)
    return code if code in phonenumbers.SUPPORTED_REGIONS else None


_REGION_ALIASES = {"UK": "GB", "EL": "GR"}


def e164_series(
    values: pd.Series, regions: pd.Series | None = None, default_region: str = "US"
) -> pd.Series:
    """Vectorised :func:`e164`: each record's ``regions`` value, else ``default_region``."""
    if regions is None:
        regions = pd.Series(None, index=values.index, dtype=object)
    regions = regions.astype(object).where(regions.notna(), None)
    digits = map_distinct(values.astype(object), dial_string)
    # international numbers parse the same in every region: drop it so they dedupe
    regions = regions.where(~digits.fillna("").str.startswith("+"), None)
    return map_distinct_pairs(digits, regions, partial(_e164_in, default_region=default_region),
                              parallel=True)


def _e164_in(digits: str | None, region: str | None, default_region: str) -> str | None:
    """`e164` in the record's region, else the default (module-level: picklable)."""
    return e164(digits, normalise_region(region) or default_region)
