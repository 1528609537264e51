"""The whole pipeline on a small world, through a real Dagster run started by `cdpkit demo`.

The README's first command, run through the CLI's entry point: it generates a
300-person world, serves it from simulators on loopback, runs the `cdp_pipeline`
job (dlt into a real DuckDB file, dbt and identity build the customer view, the
checks run) and prints what it did. The warehouse is then compared with what the
simulators serve, the crosswalk is scored against the ground truth, and the
printed summary against the warehouse. The working directory is the test's tmp
folder, where the demo caches its world (`.cdpkit/worlds`); the warehouse, the dlt
state and the Dagster home go there too, never into the checkout.
"""

from __future__ import annotations

import contextlib
import io
import re

import duckdb
import pandas as pd
import pytest
from dagster import DagsterEventType, DagsterInstance

from cdpkit.cli import main
from cdpkit.sandbox_env import running_simulators
from identity.evaluate import pairwise_scores

pytestmark = pytest.mark.e2e

PEOPLE, SEED = 300, 11
SOURCES = ("shop", "erp", "email", "social")

# raw table -> (simulator, collection it serves, the record's primary key)
SERVED = {
    "raw_shop.customers": ("shop", "customers", "id"),
    "raw_shop.orders": ("shop", "orders", "id"),
    "raw_erp.partners": ("erp", "res.partner", "id"),
    "raw_erp.sale_orders": ("erp", "sale.order", "id"),
    "raw_erp.invoices": ("erp", "account.move", "id"),
    "raw_erp.blacklist": ("erp", "mail.blacklist", "id"),
    "raw_email.members": ("email", "members", "id"),
    "raw_email.campaigns": ("email", "campaigns", "id"),
    "raw_social.users": ("social", "users", "id"),
    "raw_social.tweets": ("social", "tweets", "id"),
    "raw_social.dm_events": ("social", "dm_events", "id"),
}


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    warehouse = root / "warehouse" / "cdp.duckdb"
    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as env:
        env.chdir(root)
        for name, folder in {"CDP_STATE_DIR": "state", "DAGSTER_HOME": "dagster_home",
                             "CDP_DROP_DIR": "drops", "CDP_WAREHOUSE_PATH": "unused.duckdb"
                             }.items():
            env.setenv(name, str(root / folder))
        with contextlib.redirect_stdout(printed):
            code = main(["demo", "--people", str(PEOPLE), "--seed", str(SEED),
                         "--warehouse", str(warehouse)])
        out = printed.getvalue()
        run = re.search(r"^run (\S+) (succeeded|failed)", out, re.M)
        assert run, out
        world = root / ".cdpkit" / "worlds" / f"people-{PEOPLE}-seed-{SEED}"
        # the same world served again, to compare the warehouse with what it serves
        with running_simulators(world) as handles:
            served = {table: {str(r[pk]) for r in handles[src].snapshot(coll)}
                      for table, (src, coll, pk) in SERVED.items()}
            served_activity = len(handles["email"].snapshot("activity"))
        instance = DagsterInstance.get()
        checks = [
            r.event_log_entry.dagster_event.event_specific_data
            for r in instance.get_records_for_run(
                run[1], of_type=DagsterEventType.ASSET_CHECK_EVALUATION).records
        ]
        yield {
            "code": code, "out": out, "root": root,
            "success": run[2] == "succeeded", "warehouse": warehouse, "world": world,
            "served": served, "served_activity": served_activity, "checks": checks,
            "instance": instance, "run_id": run[1],
        }
        instance.dispose()


@pytest.fixture(scope="module")
def con(pipeline):
    connection = duckdb.connect(str(pipeline["warehouse"]), read_only=True)
    yield connection
    connection.close()


def test_the_run_succeeds_with_every_check_passing(pipeline):
    log = pipeline["root"] / "state" / "logs" / "demo-run.log"
    assert pipeline["success"] and pipeline["code"] == 0, \
        f"{pipeline['out']}\nthe run log ends:\n{log.read_text()[-3000:]}"
    failed = [f"{c.asset_key.to_user_string()}:{c.check_name}" for c in pipeline["checks"]
              if not c.passed]
    assert failed == []
    names = {c.check_name for c in pipeline["checks"]}
    assert {"gx_dim_customers_suite", "crosswalk_is_complete_and_consistent"} <= names


@pytest.mark.parametrize("table", sorted(SERVED))
def test_raw_tables_hold_exactly_what_the_simulators_served(pipeline, con, table):
    loaded = [str(row[0]) for row in con.execute(f"select id from {table}").fetchall()]
    assert len(loaded) == len(set(loaded)), "duplicate primary keys"
    assert set(loaded) == pipeline["served"][table]


def test_email_activity_holds_every_served_event(pipeline, con):
    loaded = con.execute("select count(*) from raw_email.email_activity").fetchone()[0]
    assert loaded == pipeline["served_activity"]


def test_every_crosswalk_row_points_to_an_existing_golden_profile(con):
    orphans = con.execute("""
        select count(*) from identity.crosswalk c
        left join identity.golden_profiles g using (golden_id) where g.golden_id is null
    """).fetchone()[0]
    assert orphans == 0
    unmapped = con.execute("""
        select count(*) from intermediate.int_customer_records_unioned r
        left join identity.crosswalk c using (source, source_id) where c.golden_id is null
    """).fetchone()[0]
    assert unmapped == 0


def test_dim_customers_has_one_row_per_golden_profile(con):
    golden, dim, distinct = con.execute("""
        select (select count(*) from identity.golden_profiles),
               (select count(*) from marts.dim_customers),
               (select count(distinct golden_id) from marts.dim_customers)
    """).fetchone()
    assert golden == dim == distinct > 0


def test_deterministic_matches_are_precise_against_ground_truth(pipeline, con, capsys):
    crosswalk = con.execute("select source, source_id, golden_id from identity.crosswalk").df()
    truth = pd.read_json(pipeline["world"] / "truth" / "records.jsonl", lines=True,
                         dtype={"source_id": str})
    scores = pairwise_scores(crosswalk, truth)
    with capsys.disabled():
        print(f"\n[e2e] {PEOPLE} people, {scores.records} records: pairwise precision "
              f"{scores.precision:.3f}, recall {scores.recall:.3f}, "
              f"{scores.predicted_pairs} predicted pairs")
    assert scores.records == len(crosswalk)
    assert scores.predicted_pairs > 0
    assert scores.precision > 0.95


def test_the_demo_summary_reports_what_the_warehouse_holds(pipeline, con, capsys):
    from cdpkit.render import render_summary

    code = render_summary(warehouse=pipeline["warehouse"], run_id=pipeline["run_id"],
                          success=pipeline["success"], world=pipeline["world"], seconds=1.0,
                          instance=pipeline["instance"])
    text = capsys.readouterr().out
    golden = con.execute("select count(*) from marts.dim_customers").fetchone()[0]
    customers = con.execute("select count(*) from raw_shop.customers").fetchone()[0]
    assert code == 0
    assert f"golden customers:            {golden:,}" in text
    assert f"{customers:,}" in text
    assert "checks passed:" in text and "failed: 0" in text
    assert "match quality vs sandbox ground truth: precision" in text
    assert "_staging" not in text


def test_cdpkit_demo_says_what_it_did_and_where_the_warehouse_is(pipeline, con):
    out = pipeline["out"]
    # rich may wrap a long line at a space: compare with whitespace collapsed
    flat = " ".join(out.split())
    assert f"cdpkit demo: {PEOPLE} people, seed {SEED}" in out
    assert str(pipeline["world"]) in flat
    for source in SOURCES:
        assert re.search(rf"^\s+{source}\s+http://127\.0\.0\.1:\d+", out, re.M), source
    log = pipeline["root"] / "state" / "logs" / "demo-run.log"
    assert f"full log: {log}" in flat and log.exists()
    checks = re.search(r"^checks passed: (\d+), failed: 0$", out, re.M)
    assert checks and int(checks[1]) == len(pipeline["checks"]), out
    golden = con.execute("select count(*) from marts.dim_customers").fetchone()[0]
    assert f"golden customers: {golden:,}" in flat
    matched = re.search(r"^source records matched across systems: ([\d,]+) of ([\d,]+)", out,
                        re.M)
    assert matched and 0 < int(matched[1].replace(",", "")) <= int(matched[2].replace(",", ""))
    assert re.search(r"match quality vs sandbox ground truth: precision [01]\.\d{3}, "
                     r"recall [01]\.\d{3}", flat), out
    assert f"warehouse: {pipeline['warehouse']}" in flat
    # the run is recorded in the Dagster home of this test, not of the checkout
    assert (pipeline["root"] / "dagster_home" / "dagster.yaml").exists()
    assert not (pipeline["root"] / "unused.duckdb").exists()


def test_no_source_secret_reaches_the_warehouse_or_the_run_log(pipeline):
    from cdpkit.sandbox_env import SANDBOX_CREDENTIALS

    secrets = [SANDBOX_CREDENTIALS[k] for k in
               ("SHOPIFY_ACCESS_TOKEN", "ODOO_API_KEY", "MAILCHIMP_API_KEY", "X_BEARER_TOKEN")]
    warehouse = pipeline["warehouse"].read_bytes()
    events = "\n".join(str(entry) for entry in
                       pipeline["instance"].all_logs(pipeline["run_id"]))
    assert events, "the run left no event log to inspect"
    for secret in secrets:
        assert secret.encode() not in warehouse
        assert secret not in events


def test_source_assets_report_rows_cursor_and_duration(pipeline, con):
    from dagster import AssetKey

    instance = pipeline["instance"]
    event = instance.get_latest_materialization_event(AssetKey(["raw_shop", "customers"]))
    metadata = event.asset_materialization.metadata
    rows = con.execute("select count(*) from raw_shop.customers").fetchone()[0]
    assert metadata["dagster/row_count"].value == rows
    assert metadata["cursor"].value.startswith("updatedAt = ")
    assert metadata["source_sync_seconds"].value > 0
    assert metadata["schema_drift"].value == "none", "a first load is the baseline"
    # a first load: every row received is new, none updated, nothing deleted yet
    assert metadata["rows_received"].value == metadata["rows_new"].value == rows
    assert metadata["rows_updated"].value == 0
    assert metadata["records_deleted_at_source"].value == 0
    assert metadata["rows_suppressed"].value == 0
    campaigns = instance.get_latest_materialization_event(
        AssetKey(["raw_email", "campaigns"])).asset_materialization.metadata
    assert campaigns["cursor"].value.startswith("none")


def test_cdpkit_build_rebuilds_the_warehouse_without_syncing(pipeline, con, capsys):
    """Last in this module: it closes the module's read-only connection, since dbt in
    its own process needs the DuckDB file's write lock."""
    from dagster import DagsterInstance

    from cdpkit.cli import main

    con.close()

    with duckdb.connect(str(pipeline["warehouse"]), read_only=True) as before:
        loads = before.execute("select count(*) from raw_shop._dlt_loads").fetchone()[0]
    assert main(["build", "--warehouse", str(pipeline["warehouse"])]) == 0
    assert "succeeded" in capsys.readouterr().out
    with duckdb.connect(str(pipeline["warehouse"]), read_only=True) as after:
        assert after.execute("select count(*) from raw_shop._dlt_loads").fetchone()[0] == loads
        assert after.execute("select count(*) from marts.dim_customers").fetchone()[0] > 0
    with DagsterInstance.get() as instance:
        (run,) = instance.get_runs(limit=1)
        steps = {s.step_key for s in instance.get_run_step_stats(run.run_id)}
    assert "dbt_after_identity" in steps and not any(s.startswith("sync_") for s in steps)
