"""Where cdpkit keeps its files, resolved once from the environment.

Paths are made absolute here because dbt runs in its own working directory
and must open the very same DuckDB file as dlt and the identity step.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


#: the API sources the pipeline can sync, as `connectors/` names them
API_SOURCES = ("shop", "erp", "email", "social")


def pipeline_sources() -> tuple[str, ...]:
    """The API sources `cdp_pipeline` syncs: env `CDP_SOURCES` (comma-separated), else all.

    A deployment that has connected one system so far names it (`CDP_SOURCES=shop`)
    and the hourly pipeline syncs that one alone, leaving the others' credentials
    unasked for; the other sources' tables stay in the graph, never loaded.
    """
    raw = os.environ.get("CDP_SOURCES", "").strip()
    if not raw:
        return API_SOURCES
    chosen = tuple(dict.fromkeys(name.strip().lower() for name in raw.split(",")
                                 if name.strip()))
    unknown = [name for name in chosen if name not in API_SOURCES]
    if unknown or not chosen:
        raise ValueError(f"CDP_SOURCES={raw!r}: unknown source {', '.join(unknown) or raw!r}; "
                         f"name some of {', '.join(API_SOURCES)}, separated by commas")
    return chosen


def left_out_raw_schemas() -> list[str]:
    """`raw_<source>` of each API source `CDP_SOURCES` leaves out: never synced here."""
    return [f"raw_{name}" for name in API_SOURCES if name not in pipeline_sources()]


def put_interpreter_bin_on_path() -> None:
    """Let dagster-dbt find the `dbt` installed beside this interpreter.

    `.venv/bin/cdpkit` or `.venv/bin/python` run without the venv activated,
    and dagster-dbt looks `dbt` up on PATH.
    """
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def warehouse_path() -> Path:
    """The DuckDB file (env `CDP_WAREHOUSE_PATH`, default `warehouse/cdp.duckdb`)."""
    raw = os.environ.get("CDP_WAREHOUSE_PATH", "warehouse/cdp.duckdb")
    return Path(raw).expanduser().resolve()


def state_dir() -> Path:
    """Local working state: dlt pipeline folders (env `CDP_STATE_DIR`, default `.cdpkit`)."""
    return Path(os.environ.get("CDP_STATE_DIR", ".cdpkit")).expanduser().resolve()


def identity_config() -> str | None:
    """The identity YAML (env `CDP_IDENTITY_CONFIG`; unset: the defaults).

    The same file `cdpkit identity resolve --config` reads: thresholds,
    blocking, survivorship rules per attribute, guard settings.
    """
    raw = os.environ.get("CDP_IDENTITY_CONFIG")
    return str(Path(raw).expanduser().resolve()) if raw else None


def retention_rules_path() -> str | None:
    """The retention rules YAML (env `CDP_RETENTION_RULES`; unset: the defaults)."""
    raw = os.environ.get("CDP_RETENTION_RULES")
    return str(Path(raw).expanduser().resolve()) if raw else None


def drop_dir() -> Path:
    """The file-drops folder (env `CDP_DROP_DIR`, default `drops`); it may not exist yet."""
    from connectors.files import DEFAULT_DROP_DIR
    from connectors.settings import optional_setting

    raw = optional_setting("files", "drop_dir", DEFAULT_DROP_DIR) or DEFAULT_DROP_DIR
    return Path(raw).expanduser().resolve()


def export_warehouse_env() -> Path:
    """Pin the absolute warehouse path into the environment for dbt subprocesses."""
    path = warehouse_path()
    os.environ["CDP_WAREHOUSE_PATH"] = str(path)
    return path
