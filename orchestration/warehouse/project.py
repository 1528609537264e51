"""The dbt project as Dagster sees it, with a manifest ready at import time.

`dagster dev` prepares the manifest itself; the CLI, tests and CI import the
definitions directly, so a missing manifest is produced here with `dbt parse`.
"""

from __future__ import annotations

from dagster_dbt import DbtCliResource, DbtProject

from orchestration.settings import (
    DBT_PROJECT_DIR,
    export_warehouse_env,
    put_interpreter_bin_on_path,
)

export_warehouse_env()
put_interpreter_bin_on_path()

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
if not dbt_project.manifest_path.exists():
    DbtCliResource(project_dir=dbt_project).cli(
        ["parse", "--quiet"], target_path=dbt_project.target_path
    ).wait()
