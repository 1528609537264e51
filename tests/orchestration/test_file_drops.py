"""File drops in Dagster: the assets, the load_file_drops job run in process, the sensor."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, DagsterInstance, RunRequest, SkipReason, build_sensor_context

from orchestration.sources.file_drops import FileDropsResource, file_drops_sensor

KINDS = {"crm_contacts", "erp_partners", "quarantine", "file_loads"}
CONTACTS = "contact_id,email,opted_out,updated_at\nc1,a@x.test,no,2024-05-01\n" \
           "c2,b@x.test,perhaps,2024-05-01\n"


@pytest.fixture
def drops(tmp_path: Path) -> Path:
    folder = tmp_path / "drops"
    folder.mkdir()
    return folder


def test_one_asset_per_kind_plus_quarantine_and_file_loads():
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = {k.path[-1] for k in graph.get_all_asset_keys() if k.path[0] == "raw_files"}
    assert keys == KINDS
    assert {graph.get(AssetKey(["raw_files", k])).group_name for k in KINDS} == {"sources"}
    job = defs.resolve_job_def("load_file_drops")
    assert {k.path[0] for k in job.asset_layer.selected_asset_keys} == {"raw_files"}
    assert "file_drops_sensor" in [s.name for s in defs.sensors]


def evaluate(drops: Path, cursor: str | None, instance: DagsterInstance):
    context = build_sensor_context(
        instance=instance, cursor=cursor,
        resources={"file_drops": FileDropsResource(drop_dir=str(drops))},
    )
    return file_drops_sensor(context), context


def test_the_sensor_requests_a_run_for_new_content_only(drops):
    instance = DagsterInstance.ephemeral()
    (drops / "crm_contacts_1.csv").write_text(CONTACTS)

    first, _ = evaluate(drops, None, instance)
    assert len(first.run_requests) == 1
    request = first.run_requests[0]
    assert isinstance(request, RunRequest) and request.run_key.startswith("files-")
    assert request.tags["cdpkit/new_files"] == "1"

    again, _ = evaluate(drops, first.cursor, instance)
    assert not again.run_requests, "nothing new: no run"

    shutil.copy(drops / "crm_contacts_1.csv", drops / "crm_contacts_copy.csv")
    copied, _ = evaluate(drops, again.cursor, instance)
    assert not copied.run_requests, "a copy under another name is not new content"

    (drops / "crm_contacts_2.csv").write_text(CONTACTS + "c3,c@x.test,yes,2024-05-02\n")
    edited, _ = evaluate(drops, copied.cursor, instance)
    assert len(edited.run_requests) == 1
    assert edited.run_requests[0].run_key != request.run_key


def test_the_sensor_skips_a_missing_folder(tmp_path):
    result, _ = evaluate(tmp_path / "nowhere", None, DagsterInstance.ephemeral())
    assert isinstance(result, SkipReason)
    assert "does not exist" in result.skip_message


def test_the_load_file_drops_job_loads_a_dropped_file(drops, tmp_path, monkeypatch):
    warehouse = tmp_path / "w.duckdb"
    monkeypatch.setenv("CDP_WAREHOUSE_PATH", str(warehouse))
    monkeypatch.setenv("CDP_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CDP_DROP_DIR", str(drops))
    from orchestration.definitions import build_defs

    (drops / "crm_contacts_1.csv").write_text(CONTACTS)
    (drops / "notes.txt").write_text("not an export")
    job = build_defs().resolve_job_def("load_file_drops")
    instance = DagsterInstance.ephemeral()

    result = job.execute_in_process(instance=instance)
    assert result.success
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select contact_id from raw_files.crm_contacts").fetchall() == [("c1",)]
        assert con.execute("select file, line from raw_files.quarantine order by file").fetchall() \
            == [("crm_contacts_1.csv", 3), ("notes.txt", 0)]
    metadata = {m.asset_key.path[-1]: m.metadata
                for m in result.asset_materializations_for_node("sync_files")}
    assert set(metadata) == KINDS
    contacts = metadata["crm_contacts"]
    assert contacts["files_loaded"].value == 1
    assert contacts["files_rejected"].value == 1
    assert contacts["records_quarantined"].value == 1
    assert contacts["dagster/row_count"].value == 1

    rerun = job.execute_in_process(instance=instance)
    assert rerun.success
    again = {m.asset_key.path[-1]: m.metadata
             for m in rerun.asset_materializations_for_node("sync_files")}
    assert again["crm_contacts"]["files_loaded"].value == 0, "loaded once"

    (drops / "crm_contacts_2.csv").write_text(
        "contact_id,updated_at,loyalty_tier\nc9,2024-06-01,gold\n")
    drifted = job.execute_in_process(instance=instance)
    latest = {m.asset_key.path[-1]: m.metadata
              for m in drifted.asset_materializations_for_node("sync_files")}
    assert latest["crm_contacts"]["files_loaded"].value == 1
    assert "loyalty_tier" in latest["crm_contacts"]["schema_drift"].value
    assert "loyalty_tier" not in latest["erp_partners"]["schema_drift"].value


def test_an_empty_folder_materialises_without_error(tmp_path, monkeypatch):
    from dagster import materialize
    from dagster_dlt import DagsterDltResource

    from orchestration.resources import WarehouseResource
    from orchestration.sources.file_drops import sync_files

    monkeypatch.setenv("CDP_STATE_DIR", str(tmp_path / "state"))
    result = materialize(
        [sync_files],
        resources={
            "dlt": DagsterDltResource(),
            "warehouse": WarehouseResource(path=str(tmp_path / "w.duckdb")),
            "file_drops": FileDropsResource(drop_dir=str(tmp_path / "missing")),
        },
        instance=DagsterInstance.ephemeral(),
    )
    assert result.success
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from raw_files.file_loads").fetchone() == (0,)
