"""`cdpkit privacy`: take erasure requests, carry them out, report them, lift suppressions.

`forget` only records the request (in the inbox, so it works while a run holds the
warehouse); the Dagster sensor, or `cdpkit privacy run` where Dagster is not
running, carries it out. `status` exits 1 when a request is overdue, so a cron job
or a compliance script can alert on it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from pathlib import Path

from cdpkit.warehouse_access import (
    UNAVAILABLE,
    WarehouseUnavailable,
    connect,
    connect_or_say,
)

WAREHOUSE = "warehouse/cdp.duckdb"


def add_parser(sub: argparse._SubParsersAction) -> None:
    privacy = sub.add_parser("privacy", help="right to erasure: forget a person, follow the "
                                             "requests, lift a suppression")
    commands = privacy.add_subparsers(dest="privacy_command", required=True)

    forget = commands.add_parser(
        "forget", help="record an erasure request (due one month later); the pipeline's "
                       "sensor erases the person everywhere and suppresses them at every load")
    subject = forget.add_mutually_exclusive_group(required=True)
    subject.add_argument("--email", help="an address the person is known by")
    subject.add_argument("--golden-id", help="the person's golden id (marts.dim_customers)")
    forget.add_argument("--reason", required=True, help="why (kept as evidence), e.g. "
                                                        "'GDPR Art. 17 request by email'")
    forget.add_argument("--requester", default=None,
                        help="who records the request (default: the login name)")
    forget.set_defaults(func=_forget)

    run = commands.add_parser(
        "run", help="carry out the waiting requests now, without Dagster; prints the proof")
    run.add_argument("--warehouse", default=WAREHOUSE)
    run.set_defaults(func=_run)

    status = commands.add_parser(
        "status", help="every request with its status and due date; exit 1 when one is overdue")
    status.add_argument("--warehouse", default=WAREHOUSE)
    status.set_defaults(func=_status)

    unsuppress = commands.add_parser(
        "unsuppress", help="let sources load an identifier again (e.g. the person came back "
                           "and consented); the decision is kept with its reason")
    which = unsuppress.add_mutually_exclusive_group(required=True)
    which.add_argument("--email")
    which.add_argument("--phone")
    which.add_argument("--record", metavar="SOURCE:SOURCE_ID",
                       help="a source record, e.g. shop:gid://shopify/Customer/1")
    unsuppress.add_argument("--reason", required=True)
    unsuppress.add_argument("--warehouse", default=WAREHOUSE)
    unsuppress.set_defaults(func=_unsuppress)


def _state_dir() -> Path:
    from orchestration.settings import state_dir

    return state_dir()


def _forget(args: argparse.Namespace) -> int:
    from quality.privacy.requests import RequestError, record_request

    try:
        request = record_request(_state_dir(), email=args.email, golden_id=args.golden_id,
                                 requester=args.requester or getpass.getuser(),
                                 reason=args.reason)
    except RequestError as error:
        print(f"cdpkit privacy forget: {error}", file=sys.stderr)
        return 2
    print(f"erasure request {request.request_id} recorded, due {request.due_at[:10]}")
    print("the erasure job runs when Dagster's sensor sees it (or run `cdpkit privacy run`); "
          "follow it with `cdpkit privacy status`")
    return 0


def _run(args: argparse.Namespace) -> int:
    from quality.privacy.erase import process_inbox
    from quality.privacy.identifiers import load_salt
    from quality.privacy.requests import ensure_tables

    home = _state_dir()
    con = connect_or_say("cdpkit privacy run", args.warehouse)
    if con is None:
        return UNAVAILABLE
    with con:
        ensure_tables(con)
        started = time.monotonic()
        outcomes = process_inbox(con, home, load_salt(home), on_progress=lambda message: print(
            f"  [{time.monotonic() - started:6.1f}s] {message} ...", flush=True))
    if not outcomes:
        print("no erasure request waiting")
    for outcome in outcomes:
        touched = [p for p in outcome.proofs if p.rows_erased]
        print(f"{outcome.request_id}: {outcome.status}; {outcome.rows_erased:,} rows erased in "
              f"{len(touched)} places; {len(outcome.proofs)} verifications, rows left: "
              f"{sum(p.rows_left for p in outcome.proofs)}")
        for proof in touched:
            print(f"  {proof.table_name}: {proof.rows_erased:,} erased, {proof.rows_left} left")
        if outcome.detail:
            print(f"  {outcome.detail}")
    return 0 if all(o.status == "erased" for o in outcomes) else 1


def _status(args: argparse.Namespace) -> int:
    from quality.privacy.requests import statuses
    from quality.privacy.suppression import now_utc

    home = _state_dir()
    con = None
    try:
        con = connect(args.warehouse, read_only=True)
    except WarehouseUnavailable as error:
        print(f"(warehouse not read: {error}; showing the inbox only)", file=sys.stderr)
    try:
        known = statuses(con, home)
    finally:
        if con is not None:
            con.close()
    now = now_utc()
    if not known:
        print("no erasure requests")
        return 0
    print(f"{'request':<22} {'requested':<11} {'due':<11} {'status':<8} {'completed':<11} rows")
    for s in known:
        late = "  OVERDUE" if s.overdue(now) else ""
        done = f"{s.completed_at:%Y-%m-%d}" if s.completed_at else "-"
        print(f"{s.request_id:<22} {s.requested_at:%Y-%m-%d}  {s.due_at:%Y-%m-%d}  "
              f"{s.status:<8} {done:<11} {s.rows_erased if s.rows_erased is not None else '-'}"
              f"{late}")
    overdue = sum(1 for s in known if s.overdue(now))
    print(f"{len(known)} requests, {sum(s.status != 'erased' for s in known)} open, "
          f"{overdue} overdue")
    return 1 if overdue else 0


def _unsuppress(args: argparse.Namespace) -> int:
    from quality.privacy.identifiers import load_salt
    from quality.privacy.suppression import lift

    kind, value = next((k, v) for k, v in (("email", args.email), ("phone", args.phone),
                                           ("record", args.record)) if v)
    con = connect_or_say("cdpkit privacy unsuppress", args.warehouse)
    if con is None:
        return UNAVAILABLE
    with con:
        try:
            lifted = lift(con, load_salt(_state_dir()), kind, value, getpass.getuser(),
                          args.reason)
        except ValueError as error:
            print(f"cdpkit privacy unsuppress: {error}", file=sys.stderr)
            return 2
    if not lifted:
        print(f"that {kind} is not on the suppression list", file=sys.stderr)
        return 1
    print(f"lifted {lifted} suppression entr{'y' if lifted == 1 else 'ies'}; the next sync "
          "loads it again if a source serves it")
    return 0
