"""Timestamps in each vendor's own spelling, and snowflake-like ids.

Times travel through the generator as whole epoch seconds (ints are cheap and
sort trivially); each system formats them the way its API does.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from functools import lru_cache

_TWEPOCH_MS = 1288834974657
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch(dt: datetime) -> int:
    return int(dt.timestamp())


@lru_cache(maxsize=8192)
def _day(days: int) -> str:
    return (_EPOCH + timedelta(days=days)).strftime("%Y-%m-%d")


def _parts(ts: int) -> tuple[str, str]:
    """("YYYY-MM-DD", "HH:MM:SS"); strftime per call was the generator's hot spot."""
    days, secs = divmod(ts, 86400)
    hours, rest = divmod(secs, 3600)
    return _day(days), f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def iso_z(ts: int) -> str:
    """Shopify: ``2025-03-01T10:00:00Z``."""
    d, t = _parts(ts)
    return f"{d}T{t}Z"


def iso_ms_z(ts: int) -> str:
    """X API v2: ``2025-03-01T10:00:00.000Z``."""
    d, t = _parts(ts)
    return f"{d}T{t}.000Z"


def iso_offset(ts: int) -> str:
    """Mailchimp: ``2025-03-01T10:00:00+00:00``."""
    d, t = _parts(ts)
    return f"{d}T{t}+00:00"


def odoo(ts: int) -> str:
    """Odoo: ``2025-03-01 10:00:00`` UTC, one-second precision."""
    d, t = _parts(ts)
    return f"{d} {t}"


def odoo_date(ts: int) -> str:
    return _day(ts // 86400)


def between(rng: random.Random, lo: int, hi: int) -> int:
    return lo if hi <= lo else rng.randint(lo, hi)


def snowflake(ts: int, seq: int) -> int:
    """An X-style id: milliseconds since Twitter's epoch, then 22 bits of sequence.

    Ids grow with time, which is what `since_id` polling relies on; the sequence
    keeps ids distinct for up to 4M objects created in the same millisecond.
    """
    return ((ts * 1000 - _TWEPOCH_MS) << 22) | (seq & 0x3FFFFF)


class Ids:
    """Next numeric id per collection; starts at a vendor-looking base or at max_id."""

    BASES = {
        "shop/customers": 7_100_000_000_000, "shop/orders": 5_600_000_000_000,
        "erp/res.partner": 10, "erp/sale.order": 0, "erp/sale.order.line": 0,
        "erp/account.move": 0, "erp/mail.blacklist": 0, "email/members": 100_000,
        "social/users": 0, "social/tweets": 0, "social/dm_events": 0, "social/seq": 0,
    }

    def __init__(self, start: dict[str, int] | None = None) -> None:
        self.last = dict(self.BASES)
        if start:
            self.last.update(start)

    def next(self, collection: str) -> int:
        self.last[collection] += 1
        return self.last[collection]
