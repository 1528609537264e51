"""`cdpkit demo` run for real through the CLI entry point, on a 60-person world.

The world (seed 42) is small, and big enough for every stream of the four API sources to
serve records (at 50 people the ERP's blacklist is empty); the run's cost hardly depends
on it, most of it is Dagster's, dbt's and the checks' own. The working directory
is the test's tmp folder, where the demo caches its world (`.cdpkit/worlds`); the
warehouse, the dlt state and the Dagster home go there too, never into the checkout.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from cdpkit.cli import main

pytestmark = pytest.mark.e2e

PEOPLE, SEED = 60, 42
SOURCES = ("shop", "erp", "email", "social")


def test_cdpkit_demo_runs_the_pipeline_and_says_what_it_did(tmp_path: Path, monkeypatch,
                                                             capfd) -> None:
    from dagster import DagsterInstance, DagsterRunStatus

    monkeypatch.chdir(tmp_path)
    # set here so that what the demo exports into the environment is undone afterwards
    for name, path in {"CDP_STATE_DIR": "state", "DAGSTER_HOME": "dagster_home",
                       "CDP_DROP_DIR": "drops", "CDP_WAREHOUSE_PATH": "unused.duckdb"}.items():
        monkeypatch.setenv(name, str(tmp_path / path))
    warehouse = tmp_path / "warehouse" / "cdp.duckdb"

    code = main(["demo", "--people", str(PEOPLE), "--seed", str(SEED),
                 "--warehouse", str(warehouse)])
    out = capfd.readouterr().out

    log = tmp_path / "state" / "logs" / "demo-run.log"
    assert code == 0, f"{out}\nthe run log ends:\n{log.read_text()[-3000:]}"
    world = tmp_path / ".cdpkit" / "worlds" / f"people-{PEOPLE}-seed-{SEED}"
    assert (world / "manifest.json").exists()
    assert f"cdpkit demo: {PEOPLE} people, seed {SEED}" in out
    assert str(world) in out
    for source in SOURCES:
        assert re.search(rf"^\s+{source}\s+http://127\.0\.0\.1:\d+", out, re.M), source
    # (under pytest the libraries' output reaches the capture, not the log: it may be empty)
    assert f"full log: {log}" in out and log.exists()

    # what it did: the run, the checks, the identity figures, and where the warehouse is
    run = re.search(r"^run (\S+) succeeded in [\d.]+s$", out, re.M)
    assert run, out
    checks = re.search(r"^checks passed: (\d+), failed: 0$", out, re.M)
    assert checks and int(checks[1]) > 0, out
    matched = re.search(r"^source records matched across systems: ([\d,]+) of ([\d,]+)", out,
                        re.M)
    assert matched and 0 < int(matched[1].replace(",", "")) <= int(matched[2].replace(",", ""))
    assert re.search(r"^match quality vs sandbox ground truth: precision [01]\.\d{3}, "
                     r"recall [01]\.\d{3}", out, re.M), out
    assert f"warehouse: {warehouse}" in out

    with duckdb.connect(str(warehouse), read_only=True) as con:
        golden = con.execute("select count(*) from marts.dim_customers").fetchone()[0]
        loaded = {source: con.execute(f"select count(*) from raw_{source}.{table}").fetchone()[0]
                  for source, table in (("shop", "customers"), ("erp", "partners"),
                                        ("email", "members"), ("social", "users"))}
    assert golden > 0
    assert f"golden customers:            {golden:,}" in out
    assert all(loaded.values()), loaded

    # the run is recorded in the Dagster home of this test, not of the checkout
    assert (tmp_path / "dagster_home" / "dagster.yaml").exists()
    with DagsterInstance.get() as instance:
        assert instance.get_run_by_id(run[1]).status == DagsterRunStatus.SUCCESS
