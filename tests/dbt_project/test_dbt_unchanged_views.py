"""On DuckDB a view whose compiled SQL is unchanged since its last creation is not
re-created (macros/unchanged_views.sql): a build leaves it as it is, still runs its
hooks, and re-creates it when it is missing, when its SQL changed, or on
`--full-refresh`."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from dbt_harness import PROJECT_DIR, failures, invoke_dbt
from dbt_raw_world import build_raw_warehouse

SELECT = ["--select", "tag:pre_identity,resource_type:model"]
HAND_EDITED = "staging.stg_shop__customers"
DROPPED = "staging.stg_email__members"
CHANGED = "stg_social__users"


def project_with_changed_users_view(root: Path) -> Path:
    """A copy of the project in which stg_social__users' SQL says one thing more."""
    copy = root / "dbt_project"
    shutil.copytree(PROJECT_DIR, copy, ignore=shutil.ignore_patterns("target", "logs"))
    model = copy / "models" / "staging" / "social" / f"{CHANGED}.sql"
    text = model.read_text()
    last_line = "\nselect * from renamed\n"
    assert text.count(last_line) == 1
    model.write_text(text.replace(last_line, "\nselect * from renamed -- changed\n"))
    return copy


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    work_dir = tmp_path_factory.mktemp("dbt_unchanged_views")
    warehouse = work_dir / "cdp.duckdb"
    build_raw_warehouse(str(warehouse))
    changed_project = project_with_changed_users_view(work_dir)

    def run(*extra: str, project_dir: Path = PROJECT_DIR) -> dict:
        result = invoke_dbt(["run", *SELECT, *extra], work_dir=work_dir,
                            warehouse=warehouse, project_dir=project_dir)
        assert result.success, failures(result)
        return {row.node.name: row for row in result.result.results}

    def query(sql: str) -> list[tuple]:
        with duckdb.connect(str(warehouse)) as connection:
            return connection.execute(sql).fetchall()

    def columns(view: str) -> list[str]:
        schema, name = view.split(".")
        return [column for (column,) in query(
            "select column_name from information_schema.columns"
            f" where table_schema = '{schema}' and table_name = '{name}'")]

    def fingerprints() -> dict[str, tuple[str, object]]:
        return {relation: (fingerprint, created_at) for relation, fingerprint, created_at
                in query("select * from dbt_meta.view_fingerprints")}

    seen: dict = {"first": run(), "first_fingerprints": fingerprints()}
    # a hand edit the unchanged build must leave (it does not look), a dropped view it
    # must re-create
    query(f"alter view {HAND_EDITED} rename to stg_shop__customers_original;"
          f" create view {HAND_EDITED} as"
          " select *, true as hand_edited from staging.stg_shop__customers_original;"
          f" drop view {DROPPED}")
    seen["unchanged"] = run()
    seen["unchanged_fingerprints"] = fingerprints()
    seen["columns_after_unchanged"] = columns(HAND_EDITED)
    seen["dropped_after_unchanged"] = columns(DROPPED)
    seen["changed"] = run(project_dir=changed_project)
    seen["changed_fingerprints"] = fingerprints()
    seen["full_refresh"] = run("--full-refresh")
    seen["columns_after_full_refresh"] = columns(HAND_EDITED)
    seen["log"] = query("select invocation_id, model from dbt_meta.load_scoped_builds")
    return seen


def test_the_first_build_records_a_fingerprint_per_view(runs):
    views = {name for name, row in runs["first"].items()
             if row.node.resource_type == "model" and row.node.config.materialized == "view"}
    assert len(views) >= 15
    recorded = {relation.split(".")[1] for relation in runs["first_fingerprints"]}
    assert views <= recorded


def test_an_unchanged_build_re_creates_no_view(runs):
    before, after = runs["first_fingerprints"], runs["unchanged_fingerprints"]
    assert {relation: logged for relation, logged in after.items() if relation != DROPPED} \
        == {relation: logged for relation, logged in before.items() if relation != DROPPED}
    # the hand edit is still there: the view was not touched
    assert "hand_edited" in runs["columns_after_unchanged"]


def test_a_missing_view_is_re_created(runs):
    assert "member_id" in runs["dropped_after_unchanged"]
    before = runs["first_fingerprints"][DROPPED]
    after = runs["unchanged_fingerprints"][DROPPED]
    assert after[0] == before[0] and after[1] > before[1]


def test_a_view_whose_sql_changed_is_re_created_and_no_other(runs):
    before, after = runs["unchanged_fingerprints"], runs["changed_fingerprints"]
    changed = f"staging.{CHANGED}"
    assert after[changed][0] != before[changed][0]
    assert {relation for relation in after if after[relation] != before.get(relation)} \
        == {changed}


def test_full_refresh_re_creates_every_view(runs):
    assert "hand_edited" not in runs["columns_after_full_refresh"]


def test_an_unchanged_view_still_runs_its_hooks(runs):
    # the staging views' post-hook logs the newest load they cover, in all four runs
    models_per_run: dict[str, set[str]] = {}
    for invocation, model in runs["log"]:
        models_per_run.setdefault(invocation, set()).add(model)
    assert len(models_per_run) == 4
    assert all({"stg_shop__customers", "stg_erp__partners"} <= models
               for models in models_per_run.values())
