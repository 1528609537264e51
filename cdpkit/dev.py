"""`cdpkit dev`: the Dagster UI wired to local simulators, for exploring the graph.

Against real sources, run `dagster dev` directly with the environment
variables of the README set; this command only adds the sandbox around it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cdpkit.demo import prepare_local_state
from cdpkit.sandbox_env import running_simulators
from cdpkit.worlds import ensure_world


def run_dev(people: int, seed: int, warehouse: Path) -> int:
    world = ensure_world(people, seed)
    prepare_local_state(warehouse, fresh=False)
    with running_simulators(world) as handles:
        for source, handle in handles.items():
            print(f"simulator {source:<7}{handle.base_url}")
        dagster = Path(sys.executable).with_name("dagster")
        command = [str(dagster), "dev", "-m", "orchestration.definitions"]
        try:
            return subprocess.call(command, env=os.environ.copy())
        except KeyboardInterrupt:
            return 0
