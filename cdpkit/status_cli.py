"""`cdpkit status`: is the pipeline healthy? The last run of each asset group, the checks
failing now and the erasure requests still open. Exit 1 when a check fails, a group's
last run failed or a request is overdue, so a cron job can page someone."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cdpkit.warehouse_access import WarehouseUnavailable, connect


def add_parser(sub: argparse._SubParsersAction) -> None:
    status = sub.add_parser(
        "status", help="the last run of each asset group, failing checks and open erasure "
                       "requests; exit 1 when something needs attention")
    status.add_argument("--warehouse", default="warehouse/cdp.duckdb")
    status.set_defaults(func=_status)


def _status(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from orchestration.settings import state_dir
    from orchestration.status import read_status
    from quality.privacy.requests import statuses
    from quality.privacy.suppression import now_utc

    console = Console()
    home = Path(os.environ.get("DAGSTER_HOME") or state_dir() / "dagster_home")
    from orchestration.definitions import defs

    status = read_status(defs, home)
    groups = Table(title=f"asset groups (Dagster instance {home})")
    for column in ("group", "assets", "materialised", "last materialised (UTC)", "last run"):
        groups.add_column(column, justify="right" if column in ("assets", "materialised")
                          else "left")
    failed_runs = 0
    for g in status.groups:
        failed_runs += g.last_run_status == "FAILURE"
        groups.add_row(g.group, str(g.assets), str(g.materialised),
                       f"{g.last_at:%Y-%m-%d %H:%M}" if g.last_at else "never",
                       f"{g.last_run_status} {g.last_run_id[:8]}" if g.last_run_id else "-")
    console.print(groups)
    if status.failing:
        checks = Table(title="checks failing now")
        for column in ("asset", "check", "when (UTC)", "run", "what failed"):
            checks.add_column(column)
        for c in status.failing:
            checks.add_row(c.asset_key, c.check_name, f"{c.at:%Y-%m-%d %H:%M}" if c.at else "",
                           (c.run_id or "")[:8], c.description or "")
        console.print(checks)
    console.print(f"checks: {status.checks} defined, {len(status.failing)} failing now, "
                  f"{status.never_run} never run")
    late = [s for s in status.stale if s.last_at is not None]
    console.print(f"freshness: {len(late)} raw tables loaded longer ago than their policy "
                  f"allows, {len(status.stale) - len(late)} never loaded"
                  + "".join(f"\n  {s.asset_key}: last loaded {s.last_at:%Y-%m-%d %H:%M} "
                            f"({s.state})" for s in late))

    now = now_utc()
    try:
        with connect(args.warehouse, read_only=True) as con:
            requests = statuses(con, state_dir())
    except WarehouseUnavailable as error:
        console.print(f"[yellow]warehouse not read: {error}[/yellow]")
        requests = statuses(None, state_dir())
    open_requests = [r for r in requests if r.status != "erased"]
    overdue = [r for r in requests if r.overdue(now)]
    console.print(f"erasure requests: {len(open_requests)} open, {len(overdue)} overdue"
                  + "".join(f"\n  {r.request_id} due {r.due_at:%Y-%m-%d} ({r.status})"
                            for r in open_requests))
    failing_fresh = [s for s in status.stale if s.state == "FAIL" and s.last_at is not None]
    healthy = not (status.failing or failed_runs or overdue or failing_fresh)
    console.print("[green]healthy[/green]" if healthy else "[red]needs attention[/red]")
    sys.stdout.flush()
    return 0 if healthy else 1
