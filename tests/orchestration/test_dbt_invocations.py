"""A dbt invocation's parse state is reused by the next one; old invocations are pruned.

The integration test runs dagster-dbt's own CLI wrapper on a copy of the dbt project,
as the `dbt_assets` do, with a warehouse path other than the one the project's parse
state was written under (a deployment's, or the bench's): the first invocation parses
every file, and once its state is adopted the next parses none of them.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

import pytest
from dagster_dbt import DbtCliResource

from orchestration.settings import DBT_PROJECT_DIR
from orchestration.warehouse.invocations import (
    PARTIAL_PARSE,
    adopt_partial_parse,
    prune_invocations,
)


def test_a_differing_parse_state_replaces_the_projects(tmp_path):
    invocation, project = tmp_path / "dbt_after_identity-abc-123", tmp_path / "target"
    invocation.mkdir()
    project.mkdir()
    (project / PARTIAL_PARSE).write_bytes(b"written for another profile")
    (invocation / PARTIAL_PARSE).write_bytes(b"written for this profile")

    assert adopt_partial_parse(invocation, project)
    assert (project / PARTIAL_PARSE).read_bytes() == b"written for this profile"
    assert [path.name for path in project.iterdir()] == [PARTIAL_PARSE]  # nothing staged left
    assert not adopt_partial_parse(invocation, project)  # the same bytes: left alone


def test_an_invocation_without_a_parse_state_changes_nothing(tmp_path):
    invocation, project = tmp_path / "failed-early", tmp_path / "target"
    invocation.mkdir()
    project.mkdir()
    (project / PARTIAL_PARSE).write_bytes(b"kept")

    assert not adopt_partial_parse(invocation, project)
    assert (project / PARTIAL_PARSE).read_bytes() == b"kept"


def test_only_the_newest_invocations_of_the_named_assets_are_kept(tmp_path):
    now = time.time()
    made = []
    for age, name in enumerate(["dbt_after_identity-r3-c", "dbt_before_identity-r3-b",
                                "dbt_after_identity-r2-a", "dbt_before_identity-r1-z"]):
        path = tmp_path / name
        path.mkdir()
        (path / "run_results.json").write_text("{}")
        os.utime(path, (now - age * 60, now - age * 60))
        made.append(path)
    (tmp_path / "compiled").mkdir()  # dbt's own folders stay
    (tmp_path / "manifest.json").write_text("{}")

    removed = prune_invocations(tmp_path, ("dbt_before_identity", "dbt_after_identity"),
                                keep=2)

    assert sorted(removed) == sorted(made[2:])
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        ["compiled", "manifest.json", made[0].name, made[1].name])


@pytest.fixture
def project_copy(tmp_path):
    """The dbt project copied without its target, parsed for the default warehouse."""
    copy = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, copy,
                    ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    return copy


def _parse(project: Path, target: Path, warehouse: Path) -> dict:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CDP_WAREHOUSE_PATH", str(warehouse))
        DbtCliResource(project_dir=str(project), profiles_dir=str(project),
                       dbt_executable=str(Path(sys.executable).with_name("dbt"))).cli(
            ["parse", "--quiet"], target_path=target).wait()
    return json.loads((target / "perf_info.json").read_text())


def test_the_next_invocation_parses_nothing_once_the_state_is_adopted(project_copy, tmp_path):
    project_target = project_copy / "target"
    _parse(project_copy, project_target, tmp_path / "prepared" / "cdp.duckdb")
    deployed = tmp_path / "deployed" / "cdp-prod.duckdb"

    first = _parse(project_copy, project_target / "dbt_before_identity-r1-a", deployed)
    # the profile differs from the prepared one: dbt parsed every file again
    assert first["parsed_path_count"] == first["path_count"]

    assert adopt_partial_parse(project_target / "dbt_before_identity-r1-a", project_target)
    second = _parse(project_copy, project_target / "dbt_after_identity-r1-b", deployed)

    assert second["parsed_path_count"] == 0
