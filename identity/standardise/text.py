"""Find an email address a person wrote about themself in free text (an X bio).

Bios say "contact: ann [at] example.com" as often as "ann@example.com"; both are
the person's own mailbox and a strong key, so both spellings are recognised.
"""

from __future__ import annotations

import re

import pandas as pd

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
