"""Last line of defence for the free text the report shows.

A request's `detail` and a proof's `verification_sql` are written by code, but code
can quote what it matched: an address in a WHERE clause, a full hash in an error.
The report prints neither: addresses are replaced, digests cut to a prefix that
still lets an auditor find the row.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# a hex digest (sha256 is 64 characters, md5 32); shorter hex runs are ids, not digests
DIGEST = re.compile(r"\b[0-9a-fA-F]{32,}\b")
PREFIX = 12
EMAIL_MARK = "[email redacted]"


def short_hash(value: str) -> str:
    """A digest's first 12 characters: enough to find the row, not to match a person."""
    return value[:PREFIX] + "…" if len(value) > PREFIX else value


def redact(text: str) -> str:
    return DIGEST.sub(lambda m: short_hash(m.group(0)), EMAIL.sub(EMAIL_MARK, text))
