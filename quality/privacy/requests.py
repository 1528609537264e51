"""Erasure requests: recorded at once, carried out by the pipeline, tracked to their due date.

`cdpkit privacy forget` writes the request to an inbox under the state directory
(one JSON file, mode 0600) rather than into the warehouse: a request must be taken
even while a pipeline run holds the DuckDB file, and the identifier to erase never
has to enter the warehouse. The Dagster sensor sees the file and the erasure asset
registers the request in `governance.erasure_requests` (with the salted hash of the
identifier, never the identifier), erases, proves, and deletes the file.

GDPR Art. 12(3): one month to act on a request; `due_at` is that month.
"""

from __future__ import annotations

import calendar
import json
import os
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from quality.privacy.identifiers import identifier_hash, normalise
from quality.privacy.suppression import now_utc

INBOX = "privacy/inbox"
TABLE = "governance.erasure_requests"
PROOF = "governance.erasure_proof"
DDL = f"""
create schema if not exists governance;
create table if not exists {TABLE} (
    request_id varchar primary key,
    subject_kind varchar not null,
    subject_hash varchar not null,
    requester varchar not null,
    reason varchar not null,
    requested_at timestamp not null,
    due_at timestamp not null,
    status varchar not null,
    started_at timestamp,
    completed_at timestamp,
    golden_ids varchar,
    rows_erased bigint,
    detail varchar
);
create table if not exists {PROOF} (
    request_id varchar not null,
    table_name varchar not null,
    rows_erased bigint not null,
    verification_sql varchar not null,
    rows_left bigint not null,
    verified_at timestamp not null
)
"""
SUBJECT_KINDS = ("email", "golden_id")


class RequestError(ValueError):
    """A request that cannot be taken as given; the message says what to change."""


@dataclass(frozen=True)
class ErasureRequest:
    request_id: str
    subject_kind: str
    subject: str
    requester: str
    reason: str
    requested_at: str
    due_at: str

    @property
    def inbox_name(self) -> str:
        return f"{self.request_id}.json"


def one_month_after(moment: datetime) -> datetime:
    """The same day next month, or that month's last day (31 Jan -> 28/29 Feb)."""
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def inbox_dir(state_dir: Path) -> Path:
    return state_dir / INBOX


def record_request(state_dir: Path, *, email: str | None = None, golden_id: str | None = None,
                   requester: str, reason: str, now: datetime | None = None) -> ErasureRequest:
    """Write a request to the inbox; the erasure asset picks it up."""
    if (email is None) == (golden_id is None):
        raise RequestError("give exactly one of --email or --golden-id")
    if not reason.strip():
        raise RequestError("give the --reason for the request (it is kept as evidence)")
    kind, raw = ("email", email) if email is not None else ("golden_id", golden_id)
    subject = normalise("email", raw) if kind == "email" else (raw or "").strip()
    if not subject:
        raise RequestError(f"{raw!r} is not an email address" if kind == "email"
                           else "the golden id is empty")
    requested = (now or now_utc()).replace(microsecond=0)
    request = ErasureRequest(
        request_id=f"er-{requested:%Y%m%d}-{uuid.uuid4().hex[:8]}", subject_kind=kind,
        subject=subject, requester=requester, reason=reason.strip(),
        requested_at=requested.isoformat(), due_at=one_month_after(requested).isoformat())
    folder = inbox_dir(state_dir)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    partial = folder / f".{request.inbox_name}.partial"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(asdict(request), handle)
    partial.rename(folder / request.inbox_name)  # the sensor never sees half a file
    return request


def inbox(state_dir: Path) -> list[tuple[Path, ErasureRequest]]:
    """The requests waiting in the inbox, oldest first."""
    folder = inbox_dir(state_dir)
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.json")):
        found.append((path, ErasureRequest(**json.loads(path.read_text()))))
    return sorted(found, key=lambda item: item[1].requested_at)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


def register(con: duckdb.DuckDBPyConnection, salt: bytes, request: ErasureRequest) -> None:
    """Put the request in the warehouse (idempotent), hashed: the inbox file keeps the subject."""
    ensure_tables(con)
    kind = "email" if request.subject_kind == "email" else "record"
    con.execute(
        f"insert into {TABLE} (request_id, subject_kind, subject_hash, requester, reason, "
        "requested_at, due_at, status) values (?, ?, ?, ?, ?, ?, ?, 'pending') "
        "on conflict do nothing",
        [request.request_id, request.subject_kind,
         identifier_hash(salt, kind, request.subject), request.requester, request.reason,
         datetime.fromisoformat(request.requested_at), datetime.fromisoformat(request.due_at)])


@dataclass(frozen=True)
class RequestStatus:
    request_id: str
    subject_kind: str
    requested_at: datetime
    due_at: datetime
    status: str
    completed_at: datetime | None
    rows_erased: int | None
    detail: str | None

    def overdue(self, now: datetime) -> bool:
        finished = self.completed_at if self.status == "erased" else None
        return (finished or now) > self.due_at


def statuses(con: duckdb.DuckDBPyConnection | None, state_dir: Path) -> list[RequestStatus]:
    """Every request known: registered ones from the warehouse, the rest from the inbox."""
    known: dict[str, RequestStatus] = {}
    if con is not None and _has_table(con):
        for row in con.execute(
                f"select request_id, subject_kind, requested_at, due_at, status, completed_at, "
                f"rows_erased, detail from {TABLE} order by requested_at").fetchall():
            known[row[0]] = RequestStatus(*row)
    for _, request in inbox(state_dir):
        if request.request_id not in known:
            known[request.request_id] = RequestStatus(
                request.request_id, request.subject_kind,
                datetime.fromisoformat(request.requested_at),
                datetime.fromisoformat(request.due_at), "pending", None, None, None)
    return sorted(known.values(), key=lambda s: s.requested_at)


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'governance' and table_name = 'erasure_requests'").fetchone()[0])
