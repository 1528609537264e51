"""Shopify's cost-based rate limit (leaky bucket reported in `extensions.cost`).

Shopify answers an over-budget query with HTTP 200 and
`errors[].extensions.code == "THROTTLED"`, so status-based retrying never
sees it. These helpers let the shared session retry it after exactly the time
the bucket needs, and pace ahead of time so throttling is rare.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from requests import Response

logger = logging.getLogger(__name__)

MAX_PACE_SECONDS = 60.0


def _body(response: Response | None) -> dict[str, Any]:
    if response is None or response.status_code != 200:
        return {}
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def is_throttled(response: Response | None, exception: BaseException | None = None) -> bool:
    """Retry predicate: an HTTP-200 GraphQL answer whose errors say THROTTLED."""
    errors = _body(response).get("errors") or []
    return any(
        isinstance(e, dict) and (e.get("extensions") or {}).get("code") == "THROTTLED"
        for e in errors
    )


def bucket_wait(response: Response) -> float | None:
    """Seconds until the bucket holds the cost of the query just refused (None if unknown)."""
    if not is_throttled(response):
        return None
    cost = (_body(response).get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    try:
        needed = float(cost["requestedQueryCost"]) - float(status["currentlyAvailable"])
        return max(0.0, needed / float(status["restoreRate"]))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None


def pace(response: Response) -> None:
    """After a good answer, sleep if the bucket cannot pay for another query of this cost."""
    cost = (_body(response).get("extensions") or {}).get("cost") or {}
    status = cost.get("throttleStatus") or {}
    try:
        available = float(status["currentlyAvailable"])
        wanted = float(cost.get("requestedQueryCost") or cost["actualQueryCost"])
        rate = float(status["restoreRate"])
    except (KeyError, TypeError, ValueError):
        return
    if available >= wanted or rate <= 0:
        return
    seconds = min(MAX_PACE_SECONDS, (wanted - available) / rate)
    logger.info("shopify bucket at %.0f/%.0f; pausing %.2fs", available, wanted, seconds)
    time.sleep(seconds)
