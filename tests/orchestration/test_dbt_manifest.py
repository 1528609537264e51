"""The manifest is re-parsed whenever a dbt file changed after it was built."""

from __future__ import annotations

import os
from types import SimpleNamespace

from orchestration.warehouse.project import manifest_is_stale


def project_at(root):
    (root / "models").mkdir()
    (root / "dbt_project.yml").write_text("name: x\n")
    (root / "models" / "a.sql").write_text("select 1\n")
    return SimpleNamespace(project_dir=root, manifest_path=root / "target" / "manifest.json")


def test_a_missing_manifest_is_stale(tmp_path):
    assert manifest_is_stale(project_at(tmp_path))


def test_a_manifest_newer_than_every_file_is_fresh_until_a_model_changes(tmp_path):
    project = project_at(tmp_path)
    project.manifest_path.parent.mkdir()
    project.manifest_path.write_text("{}")
    later = project.manifest_path.stat().st_mtime + 10
    os.utime(project.manifest_path, (later, later))
    assert not manifest_is_stale(project)
    model = tmp_path / "models" / "a.sql"
    os.utime(model, (later + 5, later + 5))
    assert manifest_is_stale(project)
