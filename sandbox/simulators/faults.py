"""Injected faults: the failures a connector must survive.

Counted faults (the next n requests) make tests deterministic; the random mode
(probabilities with a seed) is for soak runs. The simulator decides how a
throttle or a 5xx looks (each API has its own shape); this module only decides
*whether* the next request fails and how.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Fault:
    """What happens to one request: ``kind`` in rate_limit, server_error, drop, slow."""

    kind: str
    status: int = 0
    retry_after: float | None = None
    delay: float = 0.0


class FaultPlan:
    """Thread-safe queue of faults, consumed one request at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        """Forget every configured fault."""
        with getattr(self, "_lock", threading.Lock()):
            self._rate_limit = 0
            self._retry_after: float | None = None
            self._errors = 0
            self._error_status = 500
            self._slow = 0
            self._delay = 0.0
            self._drops = 0
            self._after = 0
            self._p = {"429": 0.0, "5xx": 0.0, "drop": 0.0}
            self._rng = random.Random(0)

    def after(self, n_requests: int) -> FaultPlan:
        """The next n requests are served normally; configured faults start after them."""
        with self._lock:
            self._after = n_requests
        return self

    def rate_limit(self, n_requests: int, retry_after: float | None = None) -> FaultPlan:
        """The next n requests get the API's own throttle response."""
        with self._lock:
            self._rate_limit, self._retry_after = n_requests, retry_after
        return self

    def server_errors(self, n: int, status: int = 500) -> FaultPlan:
        """The next n requests fail with a 5xx."""
        with self._lock:
            self._errors, self._error_status = n, status
        return self

    def slow(self, seconds: float, n: int = 1) -> FaultPlan:
        """The next n requests wait ``seconds`` before being answered normally."""
        with self._lock:
            self._slow, self._delay = n, seconds
        return self

    def drop_connections(self, n: int) -> FaultPlan:
        """The next n requests get a truncated response and a closed socket."""
        with self._lock:
            self._drops = n
        return self

    def random(
        self, p_429: float = 0.0, p_5xx: float = 0.0, p_drop: float = 0.0, seed: int = 0
    ) -> FaultPlan:
        """Every request fails with these probabilities (reproducible with ``seed``)."""
        with self._lock:
            self._p = {"429": p_429, "5xx": p_5xx, "drop": p_drop}
            self._rng = random.Random(seed)
        return self

    def configure(self, spec: dict[str, Any]) -> None:
        """Apply a JSON spec, as sent to ``POST /_sim/faults``."""
        if spec.get("clear"):
            self.clear()
        if "after" in spec:
            self.after(int(spec["after"]))
        if "rate_limit" in spec:
            self.rate_limit(**_kw(spec["rate_limit"], "n_requests"))
        if "server_errors" in spec:
            self.server_errors(**_kw(spec["server_errors"], "n"))
        if "slow" in spec:
            self.slow(**_kw(spec["slow"], "seconds"))
        if "drop_connections" in spec:
            self.drop_connections(**_kw(spec["drop_connections"], "n"))
        if "random" in spec:
            self.random(**spec["random"])

    def next(self) -> list[Fault]:
        """Faults for the request being served now (a delay can precede a failure)."""
        out: list[Fault] = []
        with self._lock:
            if self._after > 0:
                self._after -= 1
                return out
            if self._slow > 0:
                self._slow -= 1
                out.append(Fault("slow", delay=self._delay))
            if self._drops > 0:
                self._drops -= 1
                out.append(Fault("drop"))
            elif self._rate_limit > 0:
                self._rate_limit -= 1
                out.append(Fault("rate_limit", status=429, retry_after=self._retry_after))
            elif self._errors > 0:
                self._errors -= 1
                out.append(Fault("server_error", status=self._error_status))
            else:
                roll = self._rng.random() if any(self._p.values()) else 1.0
                if roll < self._p["drop"]:
                    out.append(Fault("drop"))
                elif roll < self._p["drop"] + self._p["429"]:
                    out.append(Fault("rate_limit", status=429))
                elif roll < self._p["drop"] + self._p["429"] + self._p["5xx"]:
                    out.append(Fault("server_error", status=self._rng.choice([500, 502, 503])))
        return out


def _kw(value: Any, first: str) -> dict[str, Any]:
    """Accept ``3`` or ``{"n": 3, ...}`` in the JSON spec."""
    return dict(value) if isinstance(value, dict) else {first: value}
