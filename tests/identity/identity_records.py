"""Builders of unified source records (data-contract section 4) for identity tests."""

from __future__ import annotations

import pandas as pd

COLUMNS = (
    "source", "source_id", "first_name", "last_name", "full_name", "email", "phone", "street",
    "city", "postcode", "country_code", "free_text", "cross_ref", "is_active",
    "source_updated_at",
)  # fmt: skip


def record(source: str, source_id: str, **fields: object) -> dict:
    """One input row; unset columns are NULL, active, changed 2025-01-01."""
    row: dict = dict.fromkeys(COLUMNS)
    row.update(source=source, source_id=source_id, is_active=True,
               source_updated_at="2025-01-01T00:00:00Z")
    unknown = set(fields) - set(COLUMNS)
    assert not unknown, unknown
    row.update(fields)
    return row


def frame(*rows: dict) -> pd.DataFrame:
    """Rows as a DataFrame with every contract column, in contract order."""
    return pd.DataFrame(list(rows), columns=list(COLUMNS))
