"""X API v2 rate limits: a fixed window per endpoint, reported on every response.

X counts requests per endpoint in 15-minute windows and reports the state in
``x-rate-limit-limit``, ``x-rate-limit-remaining`` and ``x-rate-limit-reset``
(epoch seconds when the window resets). Limits and window are configurable so
tests can exhaust a window in a handful of requests.
"""

from __future__ import annotations

import math
import threading
import time

#: Requests per window (app-only bearer, approximating the published tiers).
DEFAULT_LIMITS = {"mentions": 450, "followers": 15, "user": 300, "users": 300, "dm_events": 300}


class RateLimiter:
    """Fixed windows per endpoint name."""

    def __init__(self, limits: dict[str, int], window_seconds: float = 900.0) -> None:
        self.limits = {**DEFAULT_LIMITS, **limits}
        self.window = window_seconds
        self._state: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def hit(self, endpoint: str) -> tuple[bool, dict[str, str]]:
        """Count one request; (allowed, headers to send)."""
        limit = self.limits.get(endpoint, 300)
        now = time.time()
        with self._lock:
            start, used = self._state.get(endpoint, (now, 0))
            if now >= start + self.window:
                start, used = now, 0
            allowed = used < limit
            if allowed:
                used += 1
            self._state[endpoint] = (start, used)
        return allowed, {
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-remaining": str(max(limit - used, 0)),
            "x-rate-limit-reset": str(math.ceil(start + self.window)),
        }

    def exhausted_headers(self, retry_after: float) -> dict[str, str]:
        """Headers for an injected throttle: nothing left until ``retry_after`` from now."""
        return {"x-rate-limit-limit": "300", "x-rate-limit-remaining": "0",
                "x-rate-limit-reset": str(math.ceil(time.time() + retry_after))}
