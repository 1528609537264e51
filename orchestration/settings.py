"""Where cdpkit keeps its files, resolved once from the environment.

Paths are made absolute here because dbt runs in its own working directory
and must open the very same DuckDB file as dlt and the identity step.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


def warehouse_path() -> Path:
    """The DuckDB file (env `CDP_WAREHOUSE_PATH`, default `warehouse/cdp.duckdb`)."""
    raw = os.environ.get("CDP_WAREHOUSE_PATH", "warehouse/cdp.duckdb")
    return Path(raw).expanduser().resolve()


def state_dir() -> Path:
    """Local working state: dlt pipeline folders (env `CDP_STATE_DIR`, default `.cdpkit`)."""
    return Path(os.environ.get("CDP_STATE_DIR", ".cdpkit")).expanduser().resolve()


def export_warehouse_env() -> Path:
    """Pin the absolute warehouse path into the environment for dbt subprocesses."""
    path = warehouse_path()
    os.environ["CDP_WAREHOUSE_PATH"] = str(path)
    return path
