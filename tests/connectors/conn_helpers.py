"""Helpers shared by the connector tests (fixtures live in conftest.py)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from connectors.errors import SourceError
from connectors.http import RetryPolicy

# fast but real retrying: same code paths, millisecond backoff
FAST_RETRY = RetryPolicy(max_attempts=8, backoff_base=0.01, max_backoff=0.1, jitter=0.25)
# and for the random fault storms, which check that every record arrives, not how long
# a throttle is waited out: each random 429 asks for a second or more (Odoo's
# Retry-After is whole seconds), bounded to 50 ms as `max_server_wait` bounds it in
# production (test_http_policy.py checks the bound)
STORM_RETRY = replace(FAST_RETRY, max_server_wait=0.05)


def checksum(rows) -> str:
    """Order-independent digest of rows (tuples)."""
    lines = sorted("|".join(map(str, r)) for r in rows)
    return hashlib.md5("\n".join(lines).encode()).hexdigest()


def source_error(exc: BaseException) -> SourceError:
    """The SourceError somewhere in a (dlt-wrapped) exception chain."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, SourceError):
            return seen
        seen = seen.__cause__ or seen.__context__
    raise AssertionError(f"no SourceError in chain of {exc!r}")


def exception_text(exc: BaseException) -> str:
    """Every message in the chain, as a traceback would print them."""
    parts = []
    seen: BaseException | None = exc
    while seen is not None:
        parts.append(f"{type(seen).__name__}: {seen}")
        seen = seen.__cause__ or seen.__context__
    return "\n".join(parts)


def files_containing(root: Path, needle: str) -> list[Path]:
    """Files under root (or root itself) whose bytes contain needle."""
    paths = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
    return [p for p in paths if needle.encode() in p.read_bytes()]
