"""The dbt project as Dagster sees it, with a manifest ready at import time.

`dagster dev` prepares the manifest itself; the CLI, tests and CI import the
definitions directly, so a missing or stale manifest (older than a model,
macro or the project file) is produced here with `dbt parse`.
"""

from __future__ import annotations

from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from orchestration.settings import (
    DBT_PROJECT_DIR,
    export_warehouse_env,
    put_interpreter_bin_on_path,
)

export_warehouse_env()
put_interpreter_bin_on_path()



def manifest_is_stale(project: DbtProject) -> bool:
    """True when the manifest is missing or older than any file dbt parses."""
    manifest = project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    root = Path(project.project_dir)
    sources = [root / "dbt_project.yml", *root.glob("models/**/*"), *root.glob("macros/**/*"),
               *root.glob("tests/**/*"), *root.glob("seeds/**/*"), *root.glob("snapshots/**/*")]
    return any(path.stat().st_mtime > built for path in sources if path.is_file())


dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
if manifest_is_stale(dbt_project):
    DbtCliResource(project_dir=dbt_project).cli(
        ["parse", "--quiet"], target_path=dbt_project.target_path
    ).wait()
