"""Find an email address or phone number a person wrote about themself in free text.

An X bio says "contact: ann [at] example.com" as often as "ann@example.com";
both are the person's own mailbox and a strong key, so both spellings are
recognised. A direct message to the brand says "Please call me on +44 7700
900123": phonenumbers' own text matcher finds the number and keeps only
numbers valid for their region, so an order number is not taken for one.
"""

from __future__ import annotations

import re

import pandas as pd
import phonenumbers

from identity.standardise.email import clean_email
from identity.standardise.vector import map_distinct

_OBFUSCATED = [
    (re.compile(r"\s*[\[\(\{<]\s*(?:at|@)\s*[\]\)\}>]\s*", re.IGNORECASE), "@"),
    (re.compile(r"\s*[\[\(\{<]\s*(?:dot|\.)\s*[\]\)\}>]\s*", re.IGNORECASE), "."),
]
_CANDIDATE = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.[A-Za-z]{2,63}"
)


def extract_email(text: object) -> str | None:
    """The first well-formed address in ``text`` (cleaned, lower-case), else ``None``."""
    if not isinstance(text, str) or not text:
        return None
    for pattern, replacement in _OBFUSCATED:
        text = pattern.sub(replacement, text)
    for match in _CANDIDATE.finditer(text):
        email = clean_email(match.group(0).strip(".-"))
        if email is not None:
            return email
    return None


def extract_emails(values: pd.Series) -> pd.Series:
    """Vectorised :func:`extract_email`."""
    return map_distinct(values, extract_email)


def extract_phone(text: object, region: str = "US") -> str | None:
    """The first valid phone number in ``text`` as E.164 (a national number read in
    ``region``), else ``None``."""
    if not isinstance(text, str) or not any(ch.isdigit() for ch in text):
        return None
    for match in phonenumbers.PhoneNumberMatcher(text, region,
                                                  leniency=phonenumbers.Leniency.VALID):
        return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return None


def extract_phones(values: pd.Series, region: str = "US") -> pd.Series:
    """Vectorised :func:`extract_phone`."""
    return map_distinct(values, lambda text: extract_phone(text, region))
