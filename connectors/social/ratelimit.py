"""X API v2 rate limits: 15-minute windows announced in `x-rate-limit-*` headers.

Rather than burning requests into 429s, the client sleeps when a response
says the window is spent (`x-rate-limit-remaining: 0`) until
`x-rate-limit-reset` (epoch seconds), bounded by a configurable maximum; a
429 that still arrives is retried after the same reset time.
"""

from __future__ import annotations

import logging
import time

from requests import Response

logger = logging.getLogger(__name__)


def seconds_until_reset(response: Response) -> float | None:
    """Seconds until the window in `x-rate-limit-reset` reopens, if the header is there."""
    reset = response.headers.get("x-rate-limit-reset")
    if not reset:
        return None
    try:
        return max(0.0, float(reset) - time.time())
    except ValueError:
        return None


def reset_wait_on_429(response: Response) -> float | None:
    """Retry wait hint: a 429 waits until its window resets."""
    return seconds_until_reset(response) if response.status_code == 429 else None


class WindowPacer:
    """Observer: sleep out a spent window before the next request (at most `max_wait`)."""

    def __init__(self, max_wait: float) -> None:
        self.max_wait = max_wait

    def __call__(self, response: Response) -> None:
        if response.headers.get("x-rate-limit-remaining") != "0":
            return
        wait = seconds_until_reset(response)
        if wait is None or wait <= 0:
            return
        wait = min(wait, self.max_wait)
        logger.info("x rate-limit window spent; waiting %.1fs for reset", wait)
        time.sleep(wait)
