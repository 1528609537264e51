"""The `cdpkit` command: thin argument parsing over the same library calls the assets use."""

from __future__ import annotations

import argparse
import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from cdpkit import privacy_cli, status_cli
from cdpkit.warehouse_access import (
    UNAVAILABLE,
    WarehouseUnavailable,
    connect,
    connect_or_say,
)


def _demo(args: argparse.Namespace) -> int:
    from cdpkit.demo import DemoOptions, run_demo

    return run_demo(DemoOptions(
        people=args.people,
        seed=args.seed,
        warehouse=Path(args.warehouse),
        fresh=not args.keep_warehouse,
    ))


def _build(args: argparse.Namespace) -> int:
    """Identity, dbt, the checks, governance and activation on what the raw tables hold
    now, through Dagster (the pipeline job without its `sources` group)."""
    import os

    from cdpkit.demo import prepare_local_state
    from cdpkit.runner import run_pipeline

    if not Path(args.warehouse).exists():
        print(f"cdpkit build: no warehouse at {args.warehouse}; load it first (`cdpkit sync` "
              "or `cdpkit demo`), or pass --warehouse", file=sys.stderr)
        return UNAVAILABLE
    warehouse = prepare_local_state(Path(args.warehouse), fresh=False)
    from orchestration.definitions import build_defs
    from orchestration.groups import SOURCES

    log_path = Path(os.environ["CDP_STATE_DIR"]) / "logs" / "build-run.log"
    run_id, success = run_pipeline(build_defs(), log_path=log_path, without_groups=(SOURCES,))
    print(f"run {run_id} {'succeeded' if success else 'FAILED'}; full log: {log_path}")
    print(f"warehouse: {warehouse}")
    return 0 if success else 1


def _world(args: argparse.Namespace) -> int:
    from cdpkit.worlds import ensure_world

    path = ensure_world(args.people, args.seed, Path(args.out) if args.out else None)
    print(path)
    return 0


def _sql(args: argparse.Namespace) -> int:
    from cdpkit.render import print_query

    return print_query(Path(args.warehouse), args.query, args.limit)


def _dev(args: argparse.Namespace) -> int:
    from cdpkit.dev import run_dev

    return run_dev(people=args.people, seed=args.seed, warehouse=Path(args.warehouse),
                   host=args.host, port=args.port)


def _sync(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from cdpkit.render import announce_sync, render_sync
    from cdpkit.sync import SyncError, SyncRequest, run_sync
    from connectors.settings import MissingSettings
    from orchestration.settings import state_dir

    since = datetime.fromisoformat(args.since).replace(tzinfo=UTC) if args.since else None
    request = SyncRequest(
        warehouse=Path(args.warehouse).resolve(), state_dir=state_dir(), source=args.source,
        stream=args.stream, full_refresh=args.full_refresh, since=since,
        reconcile=args.reconcile,
    )
    try:
        return render_sync(run_sync(request, on_start=announce_sync))
    except (SyncError, MissingSettings) as error:
        print(f"cdpkit sync: {error}", file=sys.stderr)
        return 2


def _graph(args: argparse.Namespace) -> int:
    from cdpkit.graph import mermaid
    from orchestration.definitions import defs

    print(mermaid(defs))
    return 0


def _audit(args: argparse.Namespace) -> int:
    import os
    from datetime import UTC, date, datetime, timedelta

    from orchestration.check_history import read_check_evaluations
    from orchestration.settings import state_dir
    from quality.audit import build_report, write_report

    warehouse = Path(args.warehouse)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)  # naive UTC, as the warehouse
    try:
        day = date.fromisoformat(args.since) if args.since else now.date() - timedelta(days=30)
    except ValueError:
        print(f"cdpkit audit: --since wants an ISO date such as 2025-01-31, not {args.since!r}",
              file=sys.stderr)
        return 2
    since = datetime(day.year, day.month, day.day)
    home = Path(os.environ.get("DAGSTER_HOME") or state_dir() / "dagster_home")
    try:
        with connect(warehouse, read_only=True) as con:
            report = build_report(con, warehouse, read_check_evaluations(home, since),
                                  since, now)
    except WarehouseUnavailable as error:
        print(f"cdpkit audit: {error}", file=sys.stderr)
        return UNAVAILABLE
    path = write_report(report, Path(args.output))
    requests, checks = report.request_counts, report.check_summaries
    print(f"wrote {path} (since {since:%Y-%m-%d})")
    print(f"  erasure requests  {requests['pending']:,} pending, {requests['overdue']:,} "
          f"overdue, {requests['erased']:,} erased, {requests['failed']:,} failed")
    print(f"  consent events    {report.consent.total if report.consent else 0:,}")
    print(f"  check evaluations {report.evaluations_passed:,} passed, "
          f"{report.evaluations_failed:,} failed; "
          f"{sum(not c.last_passed for c in checks):,} of {len(checks):,} checks failing now")
    return 0


def _audience_export(args: argparse.Namespace) -> int:

    from activation.audience import AudienceError, export_audience
    from orchestration.settings import state_dir
    from quality.privacy.identifiers import load_salt
    from quality.privacy.suppression import Suppressions, active_hashes

    try:
        with connect(args.warehouse) as con:
            suppressions = Suppressions(load_salt(state_dir()), active_hashes(con))
            export = export_audience(con, args.segment, args.channel, Path(args.output),
                                     suppressions)
    except (AudienceError, WarehouseUnavailable) as error:
        print(f"cdpkit audience export: {error}", file=sys.stderr)
        return 2
    print(f"exported {export.exported:,} of {export.segment_size:,} customers in segment "
          f"{export.segment} ({export.channel}) to {export.path}")
    for reason, count in sorted(export.excluded.items(), key=lambda item: -item[1]):
        print(f"  excluded {count:>7,}  {reason}")
    return 0


def _identity_settings(args: argparse.Namespace):  # noqa: ANN202 - lazy import
    from identity.settings import IdentitySettings

    return IdentitySettings.from_yaml(args.config) if args.config else IdentitySettings()


def _input_errors(command: Callable[[argparse.Namespace], int]
                  ) -> Callable[[argparse.Namespace], int]:
    """A bad input file or config ends the command with its reason and exit code 2,
    not a traceback: the message says what to fix."""
    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except ValueError as error:
            print(f"cdpkit: error: {error}", file=sys.stderr)
            return 2
    return run


@_input_errors
def _identity_resolve(args: argparse.Namespace) -> int:
    from identity.interface import read_table, resolve_table
    from identity.stewardship import read_decisions

    table = read_table(args.input)
    decisions = read_decisions(args.decisions) if args.decisions else None
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.state:
        return _identity_resolve_with_state(args, table, decisions, out)
    clusters, result = resolve_table(table, _identity_settings(args), decisions)
    clusters.to_csv(out, index=False)
    stats = result.stats
    print(f"{len(clusters):,} records -> {stats['clusters']:,} golden ids "
          f"({stats['multi_record_clusters']:,} with several records) in {stats['seconds']:.1f} s; "
          f"{stats.get('review_queue', 0):,} pairs for review; wrote {out}")
    return 0


def _identity_resolve_with_state(args: argparse.Namespace, table, decisions,  # noqa: ANN001
                                 out: Path) -> int:
    """Resolve against the state a DuckDB file keeps: the first run is full, later ones
    resolve only the records that are new, changed or gone since."""
    import duckdb

    from identity.incremental import resolve_into
    from identity.interface import cluster_ids, to_records

    records = to_records(table)
    with duckdb.connect() as con:
        # attached under a fixed name: a file called identity.duckdb would otherwise
        # be a catalog named like the identity schema, and every name ambiguous
        con.execute("ATTACH ? AS cdpkit_state", [str(Path(args.state))])
        con.execute("USE cdpkit_state")
        run = resolve_into(con, records, _identity_settings(args), decisions=decisions,
                           full=args.full)
        crosswalk = con.sql("select source, source_id, golden_id from identity.crosswalk").df()
        clusters_total = con.execute("select count(*) from identity.golden_profiles"
                                     ).fetchall()[0][0]
    clusters = cluster_ids(table, records, crosswalk)
    clusters.to_csv(out, index=False)
    stats = run.stats
    how = (f"full run ({run.reason})" if run.mode == "full" else
           f"incremental run: {stats['records_new']:,} new, {stats['records_changed']:,} "
           f"changed, {stats['records_deleted']:,} deleted, "
           f"{stats['reclustered_records']:,} records re-clustered")
    print(f"{len(clusters):,} records -> {clusters_total:,} golden ids; {how} in "
          f"{stats['seconds']:.1f} s; state in {args.state}; wrote {out}")
    return 0


@_input_errors
def _identity_evaluate(args: argparse.Namespace) -> int:
    import json

    from identity.interface import evaluate_table, read_table

    table = read_table(args.input)
    evaluation = evaluate_table(table, args.truth_column, _identity_settings(args))
    if args.json:
        print(json.dumps(evaluation.as_dict(), indent=2))
        return 0
    e = evaluation
    print(f"records    {e.records:,}\n"
          f"precision  {e.precision:.4f}  ({e.true_positive_pairs:,} of {e.predicted_pairs:,} "
          f"predicted pairs)\n"
          f"recall     {e.recall:.4f}  ({e.true_positive_pairs:,} of {e.true_pairs:,} true pairs)\n"
          f"f1         {e.f1:.4f}\n"
          f"seconds    {e.seconds:.2f}  " + _stage_line(e.stage_seconds))
    return 0


def _stage_line(stages: dict) -> str:
    """`standardise=1.20 linkage=3.40 (blocking=0.50 ...) ...`: stages, linkage's steps after it."""
    from identity.timing import stage_seconds

    parts: list[str] = []
    steps: list[str] = []
    for stage, seconds, is_step in stage_seconds(stages):
        if is_step:
            steps.append(f"{stage}={seconds:.2f}")
            continue
        if steps:
            parts.append("(" + " ".join(steps) + ")")
            steps = []
        parts.append(f"{stage}={seconds:.2f}")
    if steps:
        parts.append("(" + " ".join(steps) + ")")
    return " ".join(parts)


def _identity_explain(args: argparse.Namespace) -> int:
    import json

    from identity.explain import explain_in_warehouse, format_explanation

    con = connect_or_say("cdpkit identity explain", args.warehouse, read_only=True)
    if con is None:
        return UNAVAILABLE
    with con:
        try:
            explanation = explain_in_warehouse(con, args.golden_id)
        except KeyError as error:
            print(error.args[0], file=sys.stderr)
            return 1
    if args.json:
        print(json.dumps(explanation.as_dict(), indent=2, default=str))
    else:
        print(format_explanation(explanation))
    return 0


def _identity_split(args: argparse.Namespace) -> int:
    from identity.split import split_golden_id

    records = []
    for item in args.records:
        source, sep, source_id = item.partition(":")
        if not sep:
            print(f"records are SOURCE:SOURCE_ID, not {item!r}", file=sys.stderr)
            return 2
        records.append((source, source_id))
    con = connect_or_say("cdpkit identity split", args.warehouse)
    if con is None:
        return UNAVAILABLE
    with con:
        try:
            written = split_golden_id(con, args.golden_id, records)
        except ValueError as error:
            print(error, file=sys.stderr)
            return 1
    print(f"recorded {len(written)} cannot-link decisions in identity.decisions; "
          "the next identity run splits them off")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cdpkit", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="show library logs")
    sub = parser.add_subparsers(dest="command", required=True)

    def world_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--people", type=int, default=5000, help="people in the synthetic world")
        p.add_argument("--seed", type=int, default=42, help="seed of the synthetic world")

    demo = sub.add_parser("demo", help="run the whole pipeline on a synthetic world")
    world_args(demo)
    demo.add_argument("--warehouse", default="warehouse/cdp.duckdb", help="DuckDB file")
    demo.add_argument("--keep-warehouse", action="store_true",
                      help="sync incrementally into the existing warehouse instead of a fresh one")
    demo.set_defaults(func=_demo)

    build = sub.add_parser(
        "build", help="resolve identities, build and check the warehouse through Dagster on "
                      "what the raw tables hold now (no sync); exit 1 when a step or check fails")
    build.add_argument("--warehouse", default="warehouse/cdp.duckdb")
    build.set_defaults(func=_build)

    world = sub.add_parser("world", help="generate (or reuse) a synthetic world; print its path")
    world_args(world)
    world.add_argument("--out", help="directory (default: .cdpkit/worlds/...)")
    world.set_defaults(func=_world)

    sql = sub.add_parser("sql", help="run a SQL query on the warehouse and print the result")
    sql.add_argument("query")
    sql.add_argument("--warehouse", default="warehouse/cdp.duckdb")
    sql.add_argument("--limit", type=int, default=50, help="rows shown at most")
    sql.set_defaults(func=_sql)

    dev = sub.add_parser("dev", help="start the simulators and `dagster dev` wired to them")
    world_args(dev)
    dev.add_argument("--warehouse", default="warehouse/cdp.duckdb")
    dev.add_argument("--host", help="the webserver's host, passed to `dagster dev` "
                                    "(default: its own, 127.0.0.1)")
    dev.add_argument("--port", type=int, help="the webserver's port, passed to `dagster dev` "
                                              "(default: its own, 3000 or the next free one)")
    dev.set_defaults(func=_dev)

    sync = sub.add_parser("sync", help="load sources into the warehouse with dlt, no Dagster")
    sync.add_argument("source", nargs="?", help="shop, erp, email, social or files (default: all)")
    sync.add_argument("stream", nargs="?", help="one stream of that source (default: all)")
    sync.add_argument("--full-refresh", action="store_true",
                      help="drop the streams' tables and cursors, then load everything")
    sync.add_argument("--since", metavar="DATE",
                      help="re-read records changed since DATE (UTC, ISO 8601) and merge them; "
                           "the stored cursors stay as they are")
    sync.add_argument("--reconcile", action="store_true",
                      help="list every id now to find deleted records and unfollows "
                           "(otherwise done when the last check is a day old)")
    sync.add_argument("--warehouse", default="warehouse/cdp.duckdb")
    sync.set_defaults(func=_sync)

    graph = sub.add_parser("graph", help="print the asset graph as a Mermaid flowchart")
    graph.set_defaults(func=_graph)

    audit = sub.add_parser(
        "audit", help="a compliance audit report as one self-contained HTML file: erasure "
                      "requests and their proof, consent changes, quality check history")
    audit.add_argument("--since", metavar="DATE",
                       help="start of the period, an ISO date in UTC (default: 30 days ago)")
    audit.add_argument("--output", required=True, help="HTML file to write")
    audit.add_argument("--warehouse", default="warehouse/cdp.duckdb",
                       help="DuckDB file, opened read-only")
    audit.set_defaults(func=_audit)

    audience = sub.add_parser("audience", help="export customers who may be contacted")
    audience_sub = audience.add_subparsers(dest="audience_command", required=True)
    export = audience_sub.add_parser(
        "export", help="the customers of a segment with current consent for a channel, as "
                       "CSV; prints how many were left out and why")
    export.add_argument("--segment", required=True,
                        help="an RFM segment of marts.dim_customers, e.g. champions")
    export.add_argument("--channel", required=True, choices=("email", "sms"))
    export.add_argument("--output", required=True, help="CSV file to write")
    export.add_argument("--warehouse", default="warehouse/cdp.duckdb")
    export.set_defaults(func=_audience_export)

    privacy_cli.add_parser(sub)
    status_cli.add_parser(sub)

    identity = sub.add_parser("identity", help="resolve person records into golden ids")
    identity_sub = identity.add_subparsers(dest="identity_command", required=True)
    resolve = identity_sub.add_parser(
        "resolve", help="records (CSV or Parquet) in, one golden id per record out (CSV)")
    resolve.add_argument("--input", required=True, help="record_id, source, first_name, "
                         "last_name, full_name, email, phone, street, city, postcode, region, "
                         "country, date_of_birth (any may be missing)")
    resolve.add_argument("--output", required=True, help="CSV of record_id, golden_id")
    resolve.add_argument("--config", help="YAML identity settings")
    resolve.add_argument("--decisions", help="CSV of a steward's decisions: left_source, "
                         "left_source_id, right_source, right_source_id, decision "
                         "(must_link or cannot_link)")
    resolve.add_argument("--state", help="DuckDB file that keeps the resolution between "
                         "runs: golden ids persist, and after the first run only new, changed "
                         "and deleted records are resolved")
    resolve.add_argument("--full", action="store_true",
                         help="with --state: resolve every record again and refit the model")
    resolve.set_defaults(func=_identity_resolve)
    evaluate = identity_sub.add_parser(
        "evaluate", help="resolve and score pairwise precision, recall and F1 against a truth")
    evaluate.add_argument("--input", required=True)
    evaluate.add_argument("--truth-column", required=True,
                          help="column holding the true person id of each record")
    evaluate.add_argument("--config", help="YAML identity settings")
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.set_defaults(func=_identity_evaluate)
    explain = identity_sub.add_parser(
        "explain", help="a golden id's records and the evidence of every link between them")
    explain.add_argument("golden_id")
    explain.add_argument("--warehouse", default="warehouse/cdp.duckdb")
    explain.add_argument("--json", action="store_true")
    explain.set_defaults(func=_identity_explain)
    split = identity_sub.add_parser(
        "split", help="undo a wrong merge: keep these records apart from the rest of a golden "
                      "id on every later run (cannot-link decisions)")
    split.add_argument("golden_id")
    split.add_argument("records", nargs="+", metavar="SOURCE:SOURCE_ID")
    split.add_argument("--warehouse", default="warehouse/cdp.duckdb")
    split.set_defaults(func=_identity_split)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = logging.INFO if args.verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Libraries (Dagster, GX) give their own loggers lower levels; the handler decides.
    for handler in logging.getLogger().handlers:
        handler.setLevel(level)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
