"""Run dbt in-process on the cdpkit project against a DuckDB file, with dbt's target and
log folders outside the repository (shared by the tests in this folder)."""

from __future__ import annotations

from pathlib import Path

import pytest
from dbt.cli.main import dbtRunner, dbtRunnerResult

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


def invoke_dbt(args: list[str], *, work_dir: Path, warehouse: Path | None = None,
               environment: dict[str, str] | None = None,
               project_dir: Path = PROJECT_DIR) -> dbtRunnerResult:
    """Run `dbt <args>` on the cdpkit project (or a copy of it at `project_dir`) with
    CDP_WAREHOUSE_PATH set to `warehouse` and the `environment` variables set
    (CDP_PG_DB for the postgres target)."""
    with pytest.MonkeyPatch.context() as env:
        if warehouse is not None:
            env.setenv("CDP_WAREHOUSE_PATH", str(warehouse))
        for name, value in (environment or {}).items():
            env.setenv(name, value)
        env.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        return dbtRunner().invoke(
            [
                *args,
                "--project-dir",
                str(project_dir),
                "--profiles-dir",
                str(project_dir),
                "--target-path",
                str(work_dir / "target"),
                "--log-path",
                str(work_dir / "logs"),
            ]
        )


def failures(result: dbtRunnerResult) -> str:
    """The nodes that did not pass, with their messages, for assertion output."""
    if result.exception is not None:
        return repr(result.exception)
    rows = getattr(result.result, "results", None) or []
    return "\n".join(
        f"{row.node.unique_id}: {row.status} {row.message}"
        for row in rows
        if str(row.status) not in {"success", "pass"}
    )

