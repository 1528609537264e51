"""`cdpkit sync` reports schema drift: which table and column, never a value."""

from __future__ import annotations

import logging

from cdpkit.cli import main
from cdpkit.sandbox_env import running_simulators
from cdpkit.sync import SyncRequest, run_sync
from sandbox.world import generate_world

BRAND = "1000000000000000001"


def test_a_new_field_is_shown_in_the_summary_and_logged(tmp_path, monkeypatch, capsys, caplog):
    world = tmp_path / "world"
    generate_world(world, people=60, seed=5)
    monkeypatch.setenv("CDP_STATE_DIR", str(tmp_path / "state"))
    warehouse = tmp_path / "w.duckdb"
    with running_simulators(world) as handles:
        (first,) = run_sync(SyncRequest(warehouse=warehouse, state_dir=tmp_path / "state",
                                        source="social"))
        assert first.drift is not None and not first.drift
        x = handles["social"]
        user = next(u for u in x.snapshot("users") if u["id"] != BRAND)
        metrics = {**user.get("public_metrics", {}), "media_count": 31337}
        x.simulator.store.put("users", {**user, "public_metrics": metrics})
        with caplog.at_level(logging.WARNING, logger="connectors.drift"):
            assert main(["sync", "social", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "schema drift in social:" in out
    assert "users.public_metrics__media_count: new column (bigint)" in out
    drift_logs = [r.getMessage() for r in caplog.records if r.name == "connectors.drift"]
    assert drift_logs == [
        "schema drift in source social: users.public_metrics__media_count: new column (bigint)"]
    assert "31337" not in out and "31337" not in caplog.text
