"""The Dagster instance on Postgres, as the README's "Running it in production" sets it up.

A Dagster home gets `orchestration/dagster.yaml` plus the storage block the README shows
(read from the README itself, so the two cannot drift apart), its `env:` variables
pointing at a scratch database on the local server. `dagster asset materialize`, in a
process of its own that reads only that configuration, loads the Mailchimp raw tables
from the simulator of a 40-person world. The run and its materialisations must then be
in the database's `runs` and `event_logs` tables, no SQLite storage in the home, and
`cdpkit status` must report the run as the `sources` group's last.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
from dagster import DagsterEventType

from cdpkit.demo import INSTANCE_TEMPLATE, prepare_local_state
from cdpkit.sandbox_env import running_simulators
from sandbox.world import generate_world
from tests.postgres import POSTGRES, scratch_postgres_database

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
EMAIL_TABLES = {"raw_email/campaigns", "raw_email/members", "raw_email/email_activity"}
RUN_SECONDS = 300


def readme_storage_yaml() -> str:
    """The yaml block of the README's paragraph on the Dagster instance on Postgres."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = readme[readme.index("**The Dagster instance on Postgres.**"):]
    block = re.search(r"```yaml\n(.*?)```", paragraph, re.DOTALL)
    assert block, "the README's paragraph on the Dagster instance on Postgres has no yaml"
    return block.group(1)


@dataclass(frozen=True)
class Deployment:
    database: str
    home: Path
    materialize: subprocess.CompletedProcess
    status: subprocess.CompletedProcess


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    tmp = tmp_path_factory.mktemp("dagster_postgres")
    generate_world(tmp / "world", people=40, seed=11)
    home = tmp / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        f"{INSTANCE_TEMPLATE.read_text(encoding='utf-8')}\n{readme_storage_yaml()}",
        encoding="utf-8")
    with (scratch_postgres_database("cdpkit_dagster") as database,
          pytest.MonkeyPatch.context() as env):
        for name, value in {"CDP_STATE_DIR": tmp / "state", "CDP_DROP_DIR": tmp / "drops",
                            "CDP_WAREHOUSE_PATH": tmp / "cdp.duckdb", "DAGSTER_HOME": home,
                            "DAGSTER_PG_HOST": POSTGRES["host"],
                            "DAGSTER_PG_USER": POSTGRES["user"],
                            "DAGSTER_PG_PASSWORD": "",  # trust auth
                            "DAGSTER_PG_DB": database}.items():
            env.setenv(name, str(value))
        warehouse = prepare_local_state(tmp / "cdp.duckdb", fresh=True)
        with running_simulators(tmp / "world"):
            materialize = subprocess.run(
                [str(BIN / "dagster"), "asset", "materialize", "-m", "orchestration.definitions",
                 "--select", ",".join(sorted(EMAIL_TABLES))],
                cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True,
                timeout=RUN_SECONDS)
        status = subprocess.run(
            [str(BIN / "cdpkit"), "status", "--warehouse", str(warehouse)],
            cwd=ROOT, env={**os.environ, "COLUMNS": "200"}, capture_output=True, text=True,
            timeout=RUN_SECONDS)
        yield Deployment(database, home, materialize, status)


def query(database: str, sql: str) -> list[tuple]:
    with (closing(psycopg2.connect(**{**POSTGRES, "dbname": database})) as connection,
          connection.cursor() as cursor):
        cursor.execute(sql)
        return cursor.fetchall()


def test_the_run_and_its_materialisations_are_in_postgres(deployment: Deployment) -> None:
    done = deployment.materialize
    assert done.returncode == 0, f"dagster asset materialize failed:\n{done.stderr[-4000:]}"
    runs = query(deployment.database, "select run_id, status from runs")
    assert len(runs) == 1 and runs[0][1] == "SUCCESS", runs
    run_id = runs[0][0]
    events = query(deployment.database, "select dagster_event_type, asset_key from event_logs"
                   f" where run_id = '{run_id}' and dagster_event_type is not null")
    materialised = {"/".join(json.loads(key)) for kind, key in events
                    if kind == "ASSET_MATERIALIZATION"}
    assert materialised == EMAIL_TABLES
    assert (DagsterEventType.RUN_SUCCESS.value, None) in events  # stored as PIPELINE_SUCCESS
    # the source's pool (orchestration/dagster.yaml) admitted the step through Postgres
    pools = query(deployment.database, 'select concurrency_key, "limit" from concurrency_limits')
    assert ("source_email", 1) in pools, pools
    # the rows Dagster's asset index keeps beside the events, for the UI and `cdpkit status`
    indexed = query(deployment.database, "select asset_key from asset_keys")
    assert EMAIL_TABLES.issubset({"/".join(json.loads(key)) for (key,) in indexed})
    # nothing went to the SQLite files a home without a storage block gets
    assert not list(deployment.home.rglob("*.db")), list(deployment.home.rglob("*.db"))


def test_cdpkit_status_reports_the_run_from_postgres(deployment: Deployment) -> None:
    assert deployment.materialize.returncode == 0, "the run failed: see the test above"
    ((run_id,),) = query(deployment.database, "select run_id from runs")
    rows = {cells[0]: cells[1:] for cells in
            ([cell.strip() for cell in line.strip("│ ").split("│")]
             for line in deployment.status.stdout.splitlines() if line.count("│") >= 5)}
    assert str(deployment.home) in deployment.status.stdout.replace("\n", ""), (
        deployment.status.stdout)
    assets, materialised, _, last_run = rows["sources"]
    assert (materialised, last_run) == (str(len(EMAIL_TABLES)), f"SUCCESS {run_id[:8]}"), (
        deployment.status.stdout + deployment.status.stderr)
    assert int(assets) > len(EMAIL_TABLES)
    assert rows["warehouse"][1:] == ["0", "never", "-"]
