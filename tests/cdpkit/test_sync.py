"""`cdpkit sync` against the simulators: full, incremental, backfill, refresh, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from cdpkit.cli import main
from cdpkit.sandbox_env import running_simulators
from cdpkit.sync import SyncError, SyncRequest, plan, run_sync
from connectors.settings import MissingSettings, source_kwargs
from sandbox.simulators import mutate_world
from sandbox.world import generate_world


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    world = tmp_path_factory.mktemp("world")
    generate_world(world, people=150, seed=3)
    with running_simulators(world) as handles:
        yield handles


@pytest.fixture
def request_for(tmp_path):
    def make(**kw) -> SyncRequest:
        return SyncRequest(warehouse=tmp_path / "w.duckdb", state_dir=tmp_path / "state", **kw)
    return make


def count(request: SyncRequest, table: str) -> int:
    with duckdb.connect(str(request.warehouse), read_only=True) as con:
        return con.execute(f"select count(*) from {table}").fetchone()[0]


def test_full_sync_then_incremental_then_backfill_then_refresh(sandbox, request_for):
    shop = sandbox["shop"]
    first = request_for(source="shop")
    (outcome,) = run_sync(first)
    served = len(shop.snapshot("customers"))
    assert outcome.rows["customers"] == served == count(first, "raw_shop.customers")
    cursor = outcome.cursors["customers"]
    assert cursor.startswith("updatedAt = ")

    (again,) = run_sync(request_for(source="shop", stream="customers"))
    assert again.rows.get("customers", 0) <= 1, "an incremental re-run re-reads at most the tie"

    before = datetime.now(UTC) - timedelta(seconds=2)
    mutate_world(sandbox, updated=10, seed=8)
    (backfill,) = run_sync(request_for(source="shop", stream="customers", since=before))
    assert backfill.rows["customers"] >= 1
    assert backfill.cursors["customers"] == cursor, "a backfill leaves the cursor alone"
    assert count(first, "raw_shop.customers") == served, "merged, not appended"

    (refreshed,) = run_sync(request_for(source="shop", stream="customers", full_refresh=True))
    assert refreshed.rows["customers"] == len(shop.snapshot("customers"))
    assert refreshed.cursors["customers"] != cursor


def test_sync_all_sources_from_the_cli(sandbox, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CDP_STATE_DIR", str(tmp_path / "state"))
    warehouse = tmp_path / "cli.duckdb"
    assert main(["sync", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    for source in ("shop", "erp", "email", "social"):
        assert f"{source:<7} done:" in out
    with duckdb.connect(str(warehouse), read_only=True) as con:
        users = con.execute("select count(*) from raw_social.users").fetchone()[0]
    assert users > 0


@pytest.mark.parametrize(("kw", "message"), [
    ({"source": "crm"}, "unknown source"),
    ({"stream": "customers"}, "needs its source"),
    ({"source": "social", "since": datetime(2025, 1, 1, tzinfo=UTC)}, "no timestamp cursor"),
    ({"source": "shop", "full_refresh": True, "since": datetime(2025, 1, 1, tzinfo=UTC)},
     "choose one"),
])
def test_requests_that_make_no_sense_are_refused(request_for, kw, message):
    with pytest.raises(SyncError, match=message):
        plan(request_for(**kw))


def test_since_across_all_sources_skips_the_undated_one(request_for):
    assert plan(request_for(since=datetime(2025, 1, 1, tzinfo=UTC))) == ["shop", "erp", "email"]


def test_missing_settings_name_the_variables_not_the_values():
    env = {"SHOPIFY_ACCESS_TOKEN": "shpat_very_secret"}
    with pytest.raises(MissingSettings) as error:
        source_kwargs("shop", env)
    assert "SHOPIFY_SHOP_URL" in str(error.value)
    assert "shpat_very_secret" not in str(error.value)
