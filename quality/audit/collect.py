"""Read the warehouse's governance evidence for a period into plain dataclasses.

Every query names its columns: the personal or free-text ones (`email_normalized`,
`source_record_id`, a request's `requester` and `reason`) are never selected, so they
cannot leak into the report whatever the renderer does. A table that does not exist
means the feature never ran there; the readers say so (`None`) and create nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

ERASURE_REQUESTS = ("governance", "erasure_requests")
ERASURE_PROOF = ("governance", "erasure_proof")
CONSENT_LEDGER = ("marts", "consent_ledger")
#: shown first, in this order; any other action the ledger holds follows alphabetically
KNOWN_ACTIONS = ("granted", "withdrawn", "pending", "not_granted", "undeliverable")


@dataclass(frozen=True)
class ErasureProof:
    """One table an erasure touched, and the query that shows nothing is left."""

    table_name: str
    rows_erased: int
    rows_left: int
    verification_sql: str
    verified_at: datetime | None


@dataclass(frozen=True)
class ErasureRequest:
    """One request; times are naive UTC, as the warehouse keeps them."""

    request_id: str
    subject_kind: str
    subject_hash: str
    requested_at: datetime
    due_at: datetime
    status: str
    completed_at: datetime | None
    golden_id_count: int
    rows_erased: int | None
    detail: str | None
    proof: tuple[ErasureProof, ...]

    def overdue(self, now: datetime) -> bool:
        """Not erased by its due date: erased late, or still open (pending, failed) past it."""
        if self.status == "erased":
            return self.completed_at is not None and self.completed_at > self.due_at
        return now > self.due_at

    @property
    def time_taken(self) -> float | None:
        """Seconds from request to completion, when it completed."""
        if self.completed_at is None:
            return None
        return (self.completed_at - self.requested_at).total_seconds()

    @property
    def verified(self) -> bool:
        """Proven: at least one table verified, and every verification found 0 rows left."""
        return bool(self.proof) and all(p.rows_left == 0 for p in self.proof)


@dataclass(frozen=True)
class ConsentCount:
    channel: str
    source: str
    action: str
    events: int


@dataclass(frozen=True)
class ConsentChanges:
    """Ledger events dated in the period, and the rows no period can hold (no event time)."""

    counts: tuple[ConsentCount, ...]
    undated: int

    @property
    def total(self) -> int:
        return sum(c.events for c in self.counts)

    @property
    def actions(self) -> tuple[str, ...]:
        seen = {c.action for c in self.counts}
        known = [a for a in KNOWN_ACTIONS if a in seen]
        return tuple(known + sorted(seen - set(KNOWN_ACTIONS)))


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_schema = ? "
        "and table_name = ?", [schema, table]).fetchone()[0])


def read_erasure_requests(con: duckdb.DuckDBPyConnection, since: datetime
                          ) -> list[ErasureRequest] | None:
    """Requests made or completed in the period, and every one still open whenever made.

    An open request from before the period is exactly what an auditor must see, and a
    request completed long ago is not this period's business. None: no request table.
    """
    if not table_exists(con, *ERASURE_REQUESTS):
        return None
    proofs = _read_proofs(con)
    rows = con.execute(
        "select request_id, subject_kind, subject_hash, requested_at, due_at, status, "
        "completed_at, golden_ids, rows_erased, detail from governance.erasure_requests "
        "where requested_at >= $since or completed_at >= $since or status <> 'erased' "
        "order by requested_at, request_id", {"since": since}).fetchall()
    return [
        ErasureRequest(
            request_id=r[0], subject_kind=r[1], subject_hash=r[2] or "", requested_at=r[3],
            due_at=r[4], status=r[5], completed_at=r[6], golden_id_count=_count_ids(r[7]),
            rows_erased=r[8], detail=r[9], proof=tuple(proofs.get(r[0], ())))
        for r in rows
    ]


def _read_proofs(con: duckdb.DuckDBPyConnection) -> dict[str, list[ErasureProof]]:
    if not table_exists(con, *ERASURE_PROOF):
        return {}
    proofs: dict[str, list[ErasureProof]] = {}
    for request_id, *fields in con.execute(
            "select request_id, table_name, rows_erased, rows_left, verification_sql, "
            "verified_at from governance.erasure_proof order by request_id, table_name"
    ).fetchall():
        proofs.setdefault(request_id, []).append(ErasureProof(*fields))
    return proofs


def _count_ids(raw: str | None) -> int:
    """How many golden ids a request resolved to; the ids themselves stay in the warehouse."""
    if not raw:
        return 0
    try:
        ids = json.loads(raw)
    except json.JSONDecodeError:
        return 0
    return len(ids) if isinstance(ids, list) else 0


def read_consent_changes(con: duckdb.DuckDBPyConnection, since: datetime
                         ) -> ConsentChanges | None:
    """Ledger events with `event_at >= since`, counted by channel, source and action.

    Rows without an event time (a state a source shows undated, such as Shopify's
    never-subscribed) belong to no period; they are counted apart rather than dropped
    without a word. None: no ledger in this warehouse.
    """
    if not table_exists(con, *CONSENT_LEDGER):
        return None
    rows = con.execute(
        "select channel, source, action, count(*) from marts.consent_ledger "
        "where event_at >= ? group by all order by all", [since]).fetchall()
    undated = con.execute(
        "select count(*) from marts.consent_ledger where event_at is null").fetchone()[0]
    return ConsentChanges(counts=tuple(ConsentCount(*r) for r in rows), undated=undated)


def summarise_requests(requests: Sequence[ErasureRequest], now: datetime) -> dict[str, int]:
    """Counts by status, and how many are overdue."""
    counts = {"pending": 0, "erased": 0, "failed": 0, "overdue": 0}
    for request in requests:
        counts[request.status] = counts.get(request.status, 0) + 1
        counts["overdue"] += request.overdue(now)
    return counts
