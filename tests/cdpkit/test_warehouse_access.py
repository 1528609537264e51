"""Every command that opens the warehouse says the same thing when it cannot, and exits 2."""

from __future__ import annotations

import duckdb
import pytest

from cdpkit.cli import main
from cdpkit.warehouse_access import WarehouseUnavailable, connect


@pytest.mark.parametrize("argv", [
    ["identity", "explain", "cdp_x"],
    ["identity", "split", "cdp_x", "shop:1"],
    ["audience", "export", "--segment", "champions", "--channel", "email", "--output", "a.csv"],
    ["privacy", "run"],
    ["privacy", "unsuppress", "--email", "a@b.co", "--reason", "r"],
    ["audit", "--output", "r.html"],
])
def test_a_missing_warehouse_exits_2_and_says_what_to_do(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CDP_STATE_DIR", str(tmp_path / "state"))
    assert main([*argv, "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    assert "no warehouse at" in capsys.readouterr().err
    assert not (tmp_path / "none.duckdb").exists(), "nothing creates an empty warehouse"


def test_a_warehouse_held_by_another_process_says_so(tmp_path):
    path = tmp_path / "w.duckdb"
    duckdb.connect(str(path)).close()
    import subprocess
    import sys
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
        " time.sleep(30)"), str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseUnavailable, match="a pipeline run may hold it"):
            connect(path)
    finally:
        holder.kill()
        holder.wait()
