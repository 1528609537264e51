"""`read_status` and `cdpkit status` on a real Dagster instance with real runs."""

from __future__ import annotations

import time
from datetime import timedelta
from types import SimpleNamespace

from dagster import (
    AssetCheckResult,
    AssetKey,
    DagsterInstance,
    Definitions,
    FreshnessPolicy,
    asset,
    asset_check,
    materialize,
)

from cdpkit.cli import main
from orchestration.status import _stale, read_status


@asset(group_name="sources",
       freshness_policy=FreshnessPolicy.time_window(fail_window=timedelta(minutes=3),
                                                     warn_window=timedelta(minutes=1)))
def loaded() -> int:
    return 1


@asset(group_name="warehouse")
def built() -> int:
    return 2


@asset_check(asset=loaded)
def loaded_is_sane() -> AssetCheckResult:
    return AssetCheckResult(passed=False, description="3 rows without a key")


def test_groups_show_their_last_run_and_failing_checks_are_listed(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    with DagsterInstance.from_config(str(home)) as instance:
        result = materialize([loaded, loaded_is_sane], instance=instance, raise_on_error=False)
        assert result.success
    defs = Definitions(assets=[loaded, built], asset_checks=[loaded_is_sane])
    status = read_status(defs, home)
    by_group = {g.group: g for g in status.groups}
    assert by_group["sources"].materialised == 1 and by_group["sources"].last_run_status == \
        "SUCCESS"
    assert by_group["warehouse"].materialised == 0 and by_group["warehouse"].last_at is None
    (failing,) = status.failing
    assert (failing.asset_key, failing.check_name) == ("loaded", "loaded_is_sane")
    assert failing.description == "3 rows without a key"
    assert status.stale == [], "just loaded: fresh"
    graph = defs.resolve_asset_graph()
    keys = [AssetKey("loaded")]
    for age, state in ((120, "WARN"), (600, "FAIL")):
        loaded_then = {keys[0]: SimpleNamespace(timestamp=time.time() - age)}
        (stale,) = _stale(graph, keys, loaded_then)
        assert (stale.asset_key, stale.state) == ("loaded", state)
    (never,) = _stale(graph, keys, {})
    assert never.last_at is None and never.state == "FAIL"


def test_the_command_on_a_fresh_home_reports_nothing_run_and_exits_0(tmp_path, monkeypatch,
                                                                      capsys):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "empty-home"))
    monkeypatch.setenv("CDP_STATE_DIR", str(tmp_path / "state"))
    assert main(["status", "--warehouse", str(tmp_path / "none.duckdb")]) == 0
    out = capsys.readouterr().out
    assert "never" in out and "erasure requests: 0 open, 0 overdue" in out
    assert "freshness: 0 raw tables loaded longer ago than their policy allows" in out
    assert "healthy" in out


def test_an_overdue_erasure_request_makes_it_exit_1(tmp_path, monkeypatch, capsys):
    from datetime import datetime

    from quality.privacy.requests import record_request

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "empty-home"))
    monkeypatch.setenv("CDP_STATE_DIR", str(tmp_path / "state"))
    record_request(tmp_path / "state", email="late@example.com", requester="dpo",
                   reason="letter", now=datetime(2020, 1, 1))
    assert main(["status", "--warehouse", str(tmp_path / "none.duckdb")]) == 1
    out = capsys.readouterr().out
    assert "1 open, 1 overdue" in out and "needs attention" in out
    assert "late@example.com" not in out
