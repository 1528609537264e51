"""Fixtures for connector tests: a small generated world, simulators on loopback,
a real DuckDB warehouse per test, and helpers to read it back."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from connectors.pipeline import make_pipeline
from sandbox.world import generate_world

# tests must not phone home (dlt's anonymous telemetry)
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate_world(out, people=200, seed=11)
    return out


class Warehouse:
    """A DuckDB file in tmp_path plus the pipeline that loads into it."""

    def __init__(self, root: Path, source: str) -> None:
        self.path = root / "warehouse.duckdb"
        self.pipes = root / "pipelines"
        self.source = source
        self.pipeline = make_pipeline(source, self.path, self.pipes)

    def run(self, source: Any) -> dict[str, int]:
        """Load and return rows per data table in this run."""
        self.pipeline.run(source)
        counts = self.pipeline.last_trace.last_normalize_info.row_counts
        # tables that received rows; the deletions table always materialises, often empty
        return {k: v for k, v in counts.items() if not k.startswith("_dlt") and v}

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.execute(sql).fetchall()

    def ids(self, table: str) -> list[Any]:
        return [r[0] for r in self.query(f"select id from raw_{self.source}.{table}")]

    def columns(self, table: str) -> list[str]:
        return [r[0] for r in self.query(
            "select column_name from information_schema.columns "
            f"where table_schema = 'raw_{self.source}' and table_name = '{table}'"
        )]


@pytest.fixture
def warehouse(tmp_path: Path) -> Any:
    def make(source: str) -> Warehouse:
        return Warehouse(tmp_path, source)

    return make


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """caplog at DEBUG, also hooked to dlt's logger (which does not propagate)."""
    caplog.set_level(logging.DEBUG)
    dlt_logger = logging.getLogger("dlt")
    dlt_logger.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        dlt_logger.removeHandler(caplog.handler)
