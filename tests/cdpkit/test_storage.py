"""Every cdpkit writer leaves DuckDB's vacuum to the day's compacting dbt build: a table
that deletes left sparse (as an hourly dbt build leaves the marts) is still sparse after
the Dagster resource, the CLI or a dlt load wrote something else and closed the file,
where a plain DuckDB writer compacts it at its checkpoint."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cdpkit.warehouse_access import connect as cli_connect
from connectors.pipeline import make_pipeline
from orchestration.resources import WarehouseResource


def row_groups(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select count(distinct row_group_id) "
                           "from pragma_storage_info('marts.sparse')").fetchone()[0]


@pytest.fixture
def sparse_warehouse(tmp_path) -> Path:
    """A warehouse with a table of five row groups, nine rows in ten deleted and not yet
    vacuumed (as a build that deferred the vacuum leaves them)."""
    path = tmp_path / "cdp.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.sparse as "
                    "select range as i, md5(range::varchar) as s from range(500000)")
        con.execute("create table marts.build_log (note varchar)")
    with duckdb.connect(str(path)) as con:
        con.execute("set global max_vacuum_tasks = 0")
        con.execute("delete from marts.sparse where i % 10 <> 0")
    assert row_groups(path) == 5
    return path


def write_a_log_row(con: duckdb.DuckDBPyConnection) -> None:
    with con:
        con.execute("insert into marts.build_log values ('one row')")


def test_a_plain_writer_compacts_a_table_it_never_wrote(sparse_warehouse):
    # the behaviour the policy exists for: without it the next writer pays the vacuum
    write_a_log_row(duckdb.connect(str(sparse_warehouse)))
    assert row_groups(sparse_warehouse) == 1


def test_the_dagster_warehouse_resource_defers_the_vacuum(sparse_warehouse):
    write_a_log_row(WarehouseResource(path=str(sparse_warehouse)).connect())
    assert row_groups(sparse_warehouse) == 5


def test_the_cli_defers_the_vacuum(sparse_warehouse):
    write_a_log_row(cli_connect(sparse_warehouse))
    assert row_groups(sparse_warehouse) == 5


def test_a_dlt_load_defers_the_vacuum(sparse_warehouse, tmp_path):
    pipeline = make_pipeline("files", sparse_warehouse, tmp_path / "pipelines")
    info = pipeline.run([{"id": 1, "note": "loaded"}], table_name="notes")
    assert not info.has_failed_jobs
    with duckdb.connect(str(sparse_warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw_files.notes").fetchone()[0] == 1
    assert row_groups(sparse_warehouse) == 5


def test_a_reader_leaves_the_setting_alone(sparse_warehouse):
    with WarehouseResource(path=str(sparse_warehouse)).connect(read_only=True) as con:
        assert con.execute("select current_setting('max_vacuum_tasks')").fetchone()[0] != 0
