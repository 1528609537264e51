"""Timestamp parsing and the one sortable text form the stores index.

Vendors write UTC differently (``Z``, ``+00:00``, Odoo's ``YYYY-MM-DD HH:MM:SS``);
indexed columns hold ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` so text order is time order.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def parse_ts(value: Any) -> datetime | None:
    """A timezone-aware UTC datetime, or None for empty / unparseable values."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip().replace(" ", "T", 1)
    if len(text) == 10:
        text += "T00:00:00"
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def sort_key(value: Any) -> str | None:
    """The indexed text form of a timestamp (None stays None)."""
    if isinstance(value, str) and len(value) >= 20 and value[10] == "T":
        # fast path for the world's own UTC forms: ...SSZ, ...SS.fffZ, ...SS+00:00
        tail = value[19:]
        if tail in ("Z", "+00:00"):
            return value[:19] + ".000000Z"
        if len(tail) == 5 and tail[0] == "." and tail[4] == "Z":
            return value[:23] + "000Z"
    dt = parse_ts(value)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if dt else None


def iso_z(dt: datetime) -> str:
    """``2025-03-01T10:00:00Z`` (Shopify, X)."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
