"""Right to erasure end to end: a person in every source is forgotten and stays forgotten.

A small world runs through the real pipeline in Dagster. Someone present in the
shop, the ERP, Mailchimp and on X is named in `cdpkit privacy forget`; the sensor
asks for the erasure job, which runs. The simulators keep serving the person, as
real sources do until they delete them: three more syncs follow (every source
re-read in full, a backfill, then the whole pipeline again), and the person's keys,
gathered before the erasure, find zero rows in any table afterwards.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pytest
from dagster import DagsterInstance, RunRequest, build_sensor_context

from cdpkit.cli import main
from cdpkit.demo import prepare_local_state
from cdpkit.runner import run_pipeline
from cdpkit.sandbox_env import running_simulators
from cdpkit.sync import SyncRequest, run_sync
from quality.privacy.erase import _sweep
from quality.privacy.plan import KEYS, targets
from quality.privacy.subject import Subject, Tables, resolve
from sandbox.world import generate_world

pytestmark = pytest.mark.e2e

EVERY_SOURCE = "email,erp,shop,social"


def _rows_left(con: duckdb.DuckDBPyConnection, person: Subject) -> dict[str, int]:
    """Rows any table holds under the person's keys, by the plan and by the sweep."""
    con.execute(f"create or replace temp table {KEYS} (kind varchar, value varchar)")
    con.executemany(f"insert into {KEYS} values (?, ?)", person.rows())
    left = {t.table: con.execute(t.count_sql()).fetchone()[0] for t in targets(Tables(con))}
    left.update({f"sweep {table}": n for table, n in _sweep(con, person)})
    return {table: n for table, n in left.items() if n}


@pytest.fixture(scope="module")
def erased(tmp_path_factory):
    root = tmp_path_factory.mktemp("erasure")
    world = root / "world"
    generate_world(world, people=150, seed=23)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CDP_STATE_DIR", str(root / "state"))
        env.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        env.setenv("CDP_WAREHOUSE_PATH", str(root / "cdp.duckdb"))
        env.setenv("CDP_SUPPRESSION_SALT", "test-salt-not-a-secret")
        warehouse = prepare_local_state(root / "cdp.duckdb", fresh=True)
        from orchestration.definitions import build_defs
        from orchestration.governance.erasure import erasure_requests_sensor

        with running_simulators(world) as handles:
            instance = DagsterInstance.ephemeral()
            defs = build_defs()
            _, first_ok = run_pipeline(defs, instance)
            with duckdb.connect(str(warehouse), read_only=True) as con:
                email, golden_id = con.execute(
                    "select email, golden_id from identity.golden_profiles "
                    "where source_systems = ? and email is not null order by golden_id limit 1",
                    [EVERY_SOURCE]).fetchone()
                person = resolve(con, "email", email)
                before = _rows_left(con, person)

            assert main(["privacy", "forget", "--email", email.upper(),
                         "--reason", "GDPR Art. 17 request (test)"]) == 0
            request = erasure_requests_sensor(build_sensor_context(instance=instance))
            erasure = defs.resolve_job_def("erasure").execute_in_process(instance=instance)
            materialised = erasure.asset_materializations_for_node("governance__erasure")

            state = root / "state"
            full = [dict(o.suppressed) for o in run_sync(SyncRequest(
                warehouse=warehouse, state_dir=state, full_refresh=True))]
            backfill = [dict(o.suppressed) for o in run_sync(SyncRequest(
                warehouse=warehouse, state_dir=state, since=datetime(2000, 1, 1, tzinfo=UTC)))]
            _, last_ok = run_pipeline(defs, instance)
            served = {name: handles[name].snapshot(coll) for name, coll in
                      (("shop", "customers"), ("email", "members"))}
        with duckdb.connect(str(warehouse), read_only=True) as con:
            after = _rows_left(con, person)
            # what is left, to say so when the test fails (golden ids and ids, no addresses)
            left_rows = {t.table: con.execute(t.count_sql().replace("count(*)", "*")).fetchall()
                         for t in targets(Tables(con)) if t.table in after}
            proof = con.execute(
                "select table_name, rows_erased, rows_left from governance.erasure_proof"
            ).fetchall()
            requests = con.execute(
                "select status, subject_hash, due_at - requested_at, golden_ids "
                "from governance.erasure_requests").fetchall()
            suppression = con.execute(
                "select identifier_kind, count(*) from governance.suppression_list "
                "group by 1").fetchall()
            dumped = "\n".join(str(row) for table in ("governance.erasure_requests",
                                                      "governance.erasure_proof",
                                                      "governance.suppression_list")
                               for row in con.execute(f"select * from {table}").fetchall())
        yield {
            "first_ok": first_ok, "last_ok": last_ok, "email": email, "golden_id": golden_id,
            "person": person, "before": before, "after": after, "request": request,
            "erasure": erasure, "materialised": materialised, "proof": proof,
            "requests": requests, "suppression": dict(suppression), "full": full,
            "backfill": backfill,
            "served": served, "dumped": dumped,
            "left_rows": left_rows, "inbox": list((state / "privacy" / "inbox").glob("*.json")),
        }


def test_the_person_was_everywhere_before(erased):
    assert erased["first_ok"]
    schemas = {table.split(".")[0].removesuffix("_staging") for table in erased["before"]}
    assert {"raw_shop", "raw_erp", "raw_email", "raw_social", "identity", "marts",
            "snapshots"} <= schemas
    assert erased["before"]["marts.dim_customers"] == 1


def test_the_sensor_asks_for_the_erasure_job(erased):
    assert isinstance(erased["request"], RunRequest)
    assert erased["erasure"].success


def test_zero_rows_anywhere_after_three_more_syncs(erased):
    assert erased["last_ok"], "the pipeline still runs green after the erasure"
    assert erased["after"] == {}, erased["left_rows"]


def test_the_sources_still_serve_the_person_and_the_syncs_kept_them_out(erased):
    email = erased["email"]
    assert any((c.get("email") or "").lower() == email for c in erased["served"]["shop"]) or \
        any(m["email_address"].lower() == email for m in erased["served"]["email"])
    dropped = {table for source in erased["full"] for table in source}
    assert {"customers", "partners", "members", "users"} <= dropped, \
        "the full re-read met the person in every source and kept them out"
    assert any(erased["backfill"]), "the backfill met them again"


def test_every_table_has_proof_with_nothing_left(erased):
    proof = erased["proof"]
    assert proof, "one proof row per table"
    assert all(left == 0 for _, _, left in proof)
    erased_in = {table for table, n, _ in proof if n}
    assert {"raw_shop.customers", "raw_erp.partners", "raw_email.members", "raw_social.users",
            "identity.crosswalk", "identity.records", "marts.dim_customers",
            "snapshots.dim_customers_history"} <= erased_in
    assert any(table.startswith("warehouse sweep") for table, _, _ in proof)


def test_the_request_keeps_a_hash_never_the_address(erased):
    ((status, subject_hash, window, golden_ids),) = erased["requests"]
    assert status == "erased"
    assert len(subject_hash) == 64
    assert 28 <= window.days <= 31
    assert erased["golden_id"] in golden_ids
    assert erased["email"] not in erased["dumped"].lower()
    assert not erased["inbox"], "the request file (which names the person) is gone"
    assert {"email", "record"} <= set(erased["suppression"])


def test_the_run_reports_what_it_erased(erased):
    (materialisation,) = erased["materialised"]
    metadata = materialisation.metadata
    assert metadata["requests_erased"].value == 1
    assert metadata["rows_erased"].value > 0
    assert erased["email"] not in str(metadata).lower()
