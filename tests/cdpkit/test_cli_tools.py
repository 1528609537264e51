"""The CLI's own pieces: SQL output, captured library output, simulator wiring, the graph."""

from __future__ import annotations

import subprocess
import sys

import duckdb

from cdpkit.cli import main
from cdpkit.sandbox_env import SANDBOX_CREDENTIALS, simulator_env, world_clock


def test_sql_prints_the_rows_of_a_query(tmp_path, capsys):
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts; create table marts.t as select 7 as answer, 'x' as s")
    assert main(["sql", "select answer, s from marts.t", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "answer" in out and "7" in out


def test_output_to_file_catches_what_libraries_write_to_the_descriptors(tmp_path):
    """Run in a fresh interpreter: pytest's own capture replaces sys.stdout/stderr."""
    log = tmp_path / "run.log"
    script = f"""
import os, sys
from pathlib import Path
from cdpkit.runner import output_to_file
with output_to_file(Path({str(log)!r})) as terminal:
    os.write(1, b"from a subprocess-like writer\\n")
    print("through sys.stdout", flush=True)
    print("through sys.stderr", file=sys.stderr, flush=True)
    terminal.write("progress line\\n")
print("after the block")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    text = log.read_text()
    assert "from a subprocess-like writer" in text
    assert "through sys.stdout" in text and "through sys.stderr" in text
    assert "progress line" not in text and "after the block" not in text
    assert done.stdout.splitlines() == ["progress line", "after the block"]
    assert done.stderr == ""


def test_simulator_env_points_every_source_at_its_simulator():
    env = simulator_env({"shop": "http://a", "erp": "http://b", "email": "http://c/3.0",
                         "social": "http://d/2"})
    assert env["SHOPIFY_SHOP_URL"] == "http://a"
    assert env["ODOO_URL"] == "http://b"
    assert env["MAILCHIMP_BASE_URL"] == "http://c/3.0"
    assert env["X_API_BASE_URL"] == "http://d/2"
    assert SANDBOX_CREDENTIALS.items() <= env.items()


def test_graph_shows_every_layer_in_order(capsys):
    assert main(["graph"]) == 0
    out = capsys.readouterr().out
    for group in ("sources", "identity", "warehouse", "governance", "activation"):
        assert f"subgraph {group}" in out
    for edge in ("sources__raw_shop --> warehouse__staging",
                 "sources__raw_erp --> warehouse__staging",
                 "sources__raw_email --> warehouse__staging",
                 "sources__raw_social --> warehouse__staging",
                 "warehouse__staging --> identity__intermediate",  # identity's input
                 "identity__identity --> identity__staging",
                 "warehouse__intermediate --> warehouse__marts",
                 "warehouse__reference --> warehouse__intermediate",  # the exchange rates
                 "warehouse__marts --> activation__activation"):
        assert edge in out
    assert "dim_customers" in out and "fct_orders" in out and "crosswalk" in out
    assert "models[" not in out, "every dbt node sits in a named layer"
    assert "warehouse__intermediate --> identity__identity" not in out, \
        "the graph must not loop back"


def test_customer_metrics_run_on_the_sandbox_worlds_clock(tmp_path):
    # a world generated for 2025-06-01 knows nothing later: metrics are as of then
    (tmp_path / "manifest.json").write_text('{"generated_at": "2025-06-01T00:00:00Z"}')
    assert world_clock(tmp_path) == "2025-06-01 00:00:00"
    (tmp_path / "manifest.json").write_text('{"generated_at": "2025-06-01T02:30:00+02:00"}')
    assert world_clock(tmp_path) == "2025-06-01 00:30:00"
    assert world_clock(tmp_path / "missing") is None


def test_world_generates_once_and_prints_where(tmp_path, capsys):
    out = tmp_path / "w"
    assert main(["world", "--people", "20", "--seed", "5", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert (out / "manifest.json").exists()
