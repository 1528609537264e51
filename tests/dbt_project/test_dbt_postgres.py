"""The dbt project on PostgreSQL (profile target `postgres`, the server on 127.0.0.1:5432):
every seed, model, unit and data test builds there, and the marts hold the same rows
as the same raw data gives on DuckDB."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import psycopg2
import pytest
from dbt_harness import failures, invoke_dbt
from dbt_raw_world import build_raw_postgres, build_raw_warehouse

from tests.postgres import POSTGRES as SERVER
from tests.postgres import scratch_postgres_database

#: customer_metrics are computed at the build time unless told: both builds use one
VARS = json.dumps({"metrics_as_of": "2025-07-01 00:00:00"})
#: each mart, its masked bi view and the history, with the primary key to order by
KEYS = {"dim_customers": "golden_id", "fct_orders": "order_key",
        "fct_touchpoints": "touchpoint_key", "customer_metrics": "golden_id",
        "customer_consent": "consent_key", "fct_order_lines": "order_line_key"}
RELATIONS = {
    **{f"marts.{name}": key for name, key in KEYS.items()},
    **{f"bi.{name}": key for name, key in KEYS.items()},
    "snapshots.dim_customers_history": "golden_id",
    # its event keys hash timestamps as text: the same on both engines
    "marts.consent_ledger": "event_key",
}


@pytest.fixture(scope="module")
def postgres_database() -> Iterator[str]:
    """A database of its own on the local server, dropped afterwards."""
    with scratch_postgres_database("cdpkit_dbt") as name:
        yield name


@pytest.fixture(scope="module")
def postgres_build(postgres_database, tmp_path_factory) -> str:
    with psycopg2.connect(**{**SERVER, "dbname": postgres_database}) as connection:
        build_raw_postgres(connection)
    work_dir = tmp_path_factory.mktemp("dbt_postgres")
    for _ in ("first build", "incremental build"):
        # the second build takes the incremental paths (watermarks read from the tables,
        # nothing new): it must run there too and leave every mart as it was
        result = invoke_dbt(["build", "--target", "postgres", "--vars", VARS],
                            work_dir=work_dir, environment={"CDP_PG_DB": postgres_database})
        assert result.success, failures(result)
    return postgres_database


@pytest.fixture(scope="module")
def duckdb_build(tmp_path_factory) -> Path:
    work_dir = tmp_path_factory.mktemp("dbt_duckdb_twin")
    warehouse = work_dir / "cdp.duckdb"
    build_raw_warehouse(str(warehouse))
    result = invoke_dbt(["build", "--vars", VARS], work_dir=work_dir, warehouse=warehouse)
    assert result.success, failures(result)
    return warehouse


def postgres_rows(database: str, relation: str, key: str) -> list[dict]:
    with psycopg2.connect(**{**SERVER, "dbname": database}) as connection, \
            connection.cursor() as cursor:
        cursor.execute(f"select * from {relation} order by {key}")
        return business_columns([column.name for column in cursor.description],
                                cursor.fetchall())


def duckdb_rows(warehouse: Path, relation: str, key: str) -> list[dict]:
    with duckdb.connect(str(warehouse)) as connection:
        cursor = connection.execute(f"select * from {relation} order by {key}")
        return business_columns([column[0] for column in cursor.description],
                                cursor.fetchall())


def business_columns(names: list[str], rows: list[tuple]) -> list[dict]:
    """Rows without the build times: dbt's snapshot bookkeeping (`dbt_valid_from`, ...)
    and the stamp of the build that wrote a row (`row_changed_at`)."""
    return [{name: value for name, value in zip(names, row, strict=True)
             if not name.startswith("dbt_") and name != "row_changed_at"} for row in rows]


def test_every_node_builds_on_postgres(postgres_build) -> None:
    with psycopg2.connect(**{**SERVER, "dbname": postgres_build}) as connection, \
            connection.cursor() as cursor:
        cursor.execute("select count(*) from marts.dim_customers")
        assert cursor.fetchone()[0] == 5


@pytest.mark.parametrize("relation", sorted(RELATIONS))
def test_marts_hold_the_same_rows_on_postgres_and_duckdb(relation, postgres_build,
                                                         duckdb_build) -> None:
    key = RELATIONS[relation]
    on_postgres = postgres_rows(postgres_build, relation, key)
    on_duckdb = duckdb_rows(duckdb_build, relation, key)
    assert on_postgres, f"{relation} is empty"
    assert list(on_postgres[0]) == list(on_duckdb[0])
    assert on_postgres == on_duckdb
