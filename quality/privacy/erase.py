"""Carry out an erasure request and keep the proof.

For one request: gather the person's keys (`subject.py`), put every identifier on
the suppression list, delete their rows from every table the plan finds
(`plan.py`) in one transaction, then run each table's predicate again and record
what it returns, which must be zero, with the query, in `governance.erasure_proof`.
A sweep then reads every text column of every table for the person's addresses
and ids: a hit in a table the plan did not know fails the request loudly rather
than leaving a copy behind. Audience exports on disk lose the person's rows too,
and dlt's loaded package files (copies of raw rows) are removed.

The request keeps the salted hash of what it named and the golden ids it erased:
enough to prove the work, nothing to identify the person by.
"""

from __future__ import annotations

import csv
import json
import logging
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from quality.privacy import requests as requests_
from quality.privacy import suppression
from quality.privacy.plan import KEPT_SCHEMAS, KEYS, quoted, targets
from quality.privacy.subject import Subject, Tables, resolve

log = logging.getLogger(__name__)

EXPORTS = "governance.audience_exports"
#: sweep: key kinds that are text and specific enough to find anywhere by equality
SWEPT_KINDS = ("email", "golden_id", "shop_customer", "shop_order", "email_member",
               "social_user")


@dataclass(frozen=True)
class Proof:
    table_name: str
    rows_erased: int
    verification_sql: str
    rows_left: int


@dataclass
class ErasureOutcome:
    request_id: str
    status: str
    golden_ids: list[str]
    rows_erased: int
    proofs: list[Proof] = field(default_factory=list)
    detail: str = ""

    @property
    def tables(self) -> int:
        return len(self.proofs)


def process_inbox(con: duckdb.DuckDBPyConnection, state_dir: Path, salt: bytes,
                  on_progress: Callable[[str], None] | None = None) -> list[ErasureOutcome]:
    """Register and carry out every request in the inbox; the file goes once it is erased."""
    outcomes = []
    for path, request in requests_.inbox(state_dir):
        requests_.register(con, salt, request)
        if on_progress:
            on_progress(f"erasing request {request.request_id}")
        outcome = erase(con, request, salt, state_dir, on_progress)
        outcomes.append(outcome)
        if outcome.status == "erased":
            path.unlink()
    return outcomes


def erase(con: duckdb.DuckDBPyConnection, request: requests_.ErasureRequest, salt: bytes,
          state_dir: Path | None = None,
          on_progress: Callable[[str], None] | None = None) -> ErasureOutcome:
    """Erase the subject of `request` everywhere; the outcome says what was done and proven.

    On a large warehouse this takes tens of seconds (most of it deleting from and
    sweeping every table), so each phase is reported to `on_progress` as it starts,
    with counts and never a personal value."""
    say = on_progress or (lambda message: None)
    started = suppression.now_utc()
    con.execute(f"update {requests_.TABLE} set started_at = ? where request_id = ?",
                [started, request.request_id])
    say("gathering the subject's records and keys")
    person = resolve(con, request.subject_kind, request.subject)
    say(f"found {len(person.of('golden_id'))} golden ids and {len(person.rows())} keys; "
        "adding the identifiers to the suppression list")
    suppression.add(con, salt, request.request_id, person.suppression_identifiers())
    _load_keys(con, person)
    proofs: list[Proof] = []
    plan = targets(Tables(con))
    say(f"deleting and verifying in {len(plan)} tables, in one transaction")
    con.execute("begin transaction")
    try:
        for target in plan:
            erased = con.execute(target.count_sql()).fetchone()[0]
            if erased:
                con.execute(target.delete_sql())
            proofs.append(Proof(target.table, erased, target.count_sql(),
                                con.execute(target.count_sql()).fetchone()[0]))
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    proofs += _erase_exports(con, person)
    if state_dir is not None:
        proofs += _erase_load_packages(state_dir)
        proofs += _erase_from_logs(state_dir, person)
    say("sweeping every text column of every table for what is left")
    leftovers = _sweep(con, person)
    proofs.append(Proof("warehouse sweep: every text column of every table",
                        0, _SWEEP_NOTE, sum(n for _, n in leftovers)))
    failed = [p for p in proofs if p.rows_left] + [p for p, _ in leftovers]
    status = "failed" if failed else "erased"
    detail = "" if not failed else "rows left in: " + ", ".join(
        sorted({p.table_name if isinstance(p, Proof) else p for p in failed}))
    outcome = ErasureOutcome(request.request_id, status, sorted(person.of("golden_id")),
                             sum(p.rows_erased for p in proofs), proofs, detail)
    _record(con, outcome)
    con.execute(f"drop table if exists {KEYS}")
    log.info("erasure %s: %s, %d rows erased in %d tables", request.request_id, status,
             outcome.rows_erased, sum(1 for p in proofs if p.rows_erased))
    return outcome


def _load_keys(con: duckdb.DuckDBPyConnection, person: Subject) -> None:
    con.execute(f"create or replace temp table {KEYS} (kind varchar, value varchar)")
    if person.rows():
        con.executemany(f"insert into {KEYS} values (?, ?)", person.rows())


_SWEEP_NOTE = ("for each base table outside the kept schemas: select count(*) where any text "
               "column equals one of the subject's addresses (lower-cased), golden ids or "
               "source ids")


def _sweep(con: duckdb.DuckDBPyConnection, person: Subject) -> list[tuple[str, int]]:
    """Tables where any text column still holds one of the person's keys, with counts."""
    values = sorted({v for kind in SWEPT_KINDS for v in person.of(kind)})
    if not values:
        return []
    tables = Tables(con)
    hits = []
    for table in sorted(tables.base):
        if table.split(".", 1)[0] in KEPT_SCHEMAS:
            continue
        text = [c for c, t in tables.columns[table].items() if t.upper() == "VARCHAR"]
        if not text:
            continue
        where = " or ".join(f'lower("{c}") in (select unnest(?::varchar[]))' for c in text)
        left = con.execute(f"select count(*) from {quoted(table)} where {where}",
                           [[v.lower() for v in values]] * len(text)).fetchone()[0]
        if left:
            hits.append((table, left))
    return hits


def _erase_exports(con: duckdb.DuckDBPyConnection, person: Subject) -> list[Proof]:
    """Rewrite each registered audience export on disk without the person's rows."""
    tables = Tables(con)
    if not tables.has(EXPORTS, "path"):
        return []
    golden_ids = person.of("golden_id")
    contacts = person.of("email") | person.of("phone")
    proofs = []
    for (path_text,) in con.execute(f"select distinct path from {EXPORTS}").fetchall():
        path = Path(path_text)
        if not path.is_file():
            continue
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        header, body = (rows[0], rows[1:]) if rows else ([], [])

        def theirs(row: list[str]) -> bool:
            return any(v in golden_ids or v.strip().lower() in contacts for v in row)

        kept = [row for row in body if not theirs(row)]
        if len(kept) != len(body):
            partial = path.with_suffix(path.suffix + ".erasing")
            with partial.open("w", newline="", encoding="utf-8") as handle:
                csv.writer(handle).writerows([header, *kept])
            shutil.move(partial, path)
        with path.open(newline="", encoding="utf-8") as handle:
            left = sum(1 for row in list(csv.reader(handle))[1:] if theirs(row))
        proofs.append(Proof(f"file: {path}", len(body) - len(kept),
                            "rows of the file holding one of the subject's golden ids, "
                            "addresses or phone numbers", left))
    return proofs


def _erase_load_packages(state_dir: Path) -> list[Proof]:
    """dlt keeps each loaded package's files (raw rows) unless told not to: remove them."""
    files = list((state_dir / "dlt").glob("*/load/loaded/*/completed_jobs/*"))
    for path in files:
        path.unlink()
    left = len(list((state_dir / "dlt").glob("*/load/loaded/*/completed_jobs/*")))
    return [Proof("files: dlt loaded packages (raw rows)", len(files),
                  f"files under {state_dir / 'dlt'}/*/load/loaded/*/completed_jobs", left)]


#: cdpkit's own text files that could quote a value: run logs and the GX Data Docs
LOG_DIRS = ("logs", "gx")
LOG_SUFFIXES = {".log", ".json", ".html", ".txt", ".csv", ".yml"}


def _erase_from_logs(state_dir: Path, person: Subject) -> list[Proof]:
    """Replace the person's addresses and ids in the logs and reports cdpkit writes.

    cdpkit keeps personal values out of them by design; this is the proof that none
    slipped in (a GX example value, a log line), and the cleanup if one did.
    """
    keys = sorted({v for kind in SWEPT_KINDS for v in person.of(kind)}, key=len, reverse=True)
    if not keys:
        return []
    pattern = re.compile("|".join(re.escape(k) for k in keys), re.IGNORECASE)
    files = [path for folder in LOG_DIRS for path in sorted((state_dir / folder).rglob("*"))
             if path.is_file() and path.suffix in LOG_SUFFIXES]
    replaced = left = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        cleaned, found = pattern.subn("[erased]", text)
        if found:
            path.write_text(cleaned, encoding="utf-8")
            replaced += found
            left += len(pattern.findall(path.read_text(encoding="utf-8", errors="replace")))
    return [Proof(f"files: logs and GX Data Docs under {state_dir} ({len(files)} files)",
                  replaced, "occurrences of the subject's addresses or ids in "
                  + ", ".join(f"{state_dir / d}/**" for d in LOG_DIRS), left)]


def _record(con: duckdb.DuckDBPyConnection, outcome: ErasureOutcome) -> None:
    finished = suppression.now_utc()
    if outcome.proofs:
        con.executemany(
            f"insert into {requests_.PROOF} values (?, ?, ?, ?, ?, ?)",
            [(outcome.request_id, p.table_name, p.rows_erased, p.verification_sql, p.rows_left,
              finished) for p in outcome.proofs])
    con.execute(
        f"update {requests_.TABLE} set status = ?, completed_at = ?, golden_ids = ?, "
        "rows_erased = ?, detail = ? where request_id = ?",
        [outcome.status, finished if outcome.status == "erased" else None,
         json.dumps(outcome.golden_ids), outcome.rows_erased, outcome.detail or None,
         outcome.request_id])
