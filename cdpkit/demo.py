"""`cdpkit demo`: a synthetic world, four simulators, the whole pipeline, a summary.

The pipeline is the same Dagster job `dagster dev` shows; only the sources
differ: local simulators of the vendor APIs instead of real accounts, wired
in through the same environment variables a production deployment sets.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from cdpkit.render import render_summary
from cdpkit.sandbox_env import running_simulators
from cdpkit.worlds import ensure_world


@dataclass(frozen=True)
class DemoOptions:
    people: int = 5000
    seed: int = 42
    warehouse: Path = Path("warehouse/cdp.duckdb")
    fresh: bool = True


#: The instance settings (pool limits per source and for the warehouse) a new home gets.
INSTANCE_TEMPLATE = Path(__file__).resolve().parents[1] / "orchestration" / "dagster.yaml"


def prepare_local_state(warehouse: Path, fresh: bool) -> Path:
    """Point every layer at one warehouse file and a local Dagster home."""
    warehouse = warehouse.expanduser().resolve()
    state = Path(os.environ.get("CDP_STATE_DIR", ".cdpkit")).resolve()
    if fresh:
        for path in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
            path.unlink(missing_ok=True)
        shutil.rmtree(state / "dlt", ignore_errors=True)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    os.environ["CDP_WAREHOUSE_PATH"] = str(warehouse)
    os.environ["CDP_STATE_DIR"] = str(state)
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(state / "dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    instance_yaml = home / "dagster.yaml"
    if not instance_yaml.exists() or not instance_yaml.read_text().strip():
        shutil.copyfile(INSTANCE_TEMPLATE, instance_yaml)
    return warehouse


def run_demo(options: DemoOptions) -> int:
    started = time.monotonic()
    print(f"cdpkit demo: {options.people:,} people, seed {options.seed}")
    print("1/4 synthetic world")
    world = ensure_world(options.people, options.seed)
    print(f"    {world}")
    warehouse = prepare_local_state(options.warehouse, options.fresh)
    print("2/4 source simulators on loopback")
    with running_simulators(world) as handles:
        for source, handle in handles.items():
            print(f"    {source:<7}{handle.base_url}")
        print("3/4 pipeline through Dagster (job cdp_pipeline)")
        from cdpkit.runner import run_pipeline
        from orchestration.definitions import build_defs

        log_path = Path(os.environ["CDP_STATE_DIR"]) / "logs" / "demo-run.log"
        run_id, success = run_pipeline(build_defs(), log_path=log_path)
        print(f"    full log: {log_path}")
        print("4/4 summary")
        return render_summary(
            warehouse=warehouse, run_id=run_id, success=success, world=world,
            seconds=time.monotonic() - started,
        )
