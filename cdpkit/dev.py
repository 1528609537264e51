"""`cdpkit dev`: the Dagster UI wired to local simulators, for exploring the graph.

Against real sources, run `dagster dev` directly with the environment
variables of the README set; this command only adds the sandbox around it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from cdpkit.demo import prepare_local_state
from cdpkit.sandbox_env import running_simulators
from cdpkit.worlds import ensure_world

#: what stops `cdpkit dev`: Ctrl-C, a service manager's SIGTERM, a closed terminal
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
#: how long the processes `dagster dev` leaves get to end after it (its code server ends
#: a second or two later), before they are killed
LEFTOVER_SECONDS = 30


def run_dev(people: int, seed: int, warehouse: Path, host: str | None = None,
            port: int | None = None) -> int:
    world = ensure_world(people, seed)
    prepare_local_state(warehouse, fresh=False)
    with running_simulators(world) as handles:
        for source, handle in handles.items():
            print(f"simulator {source:<7}{handle.base_url}", flush=True)
        return run_until_stopped(dagster_dev_command(host, port))


def dagster_dev_command(host: str | None, port: int | None) -> list[str]:
    """`dagster dev` on the code location; without host or port, dagster dev's defaults
    (127.0.0.1, and port 3000 or the next free one)."""
    command = [str(Path(sys.executable).with_name("dagster")), "dev",
               "-m", "orchestration.definitions"]
    if host:
        command += ["--host", host]
    if port:
        command += ["--port", str(port)]
    return command


def run_until_stopped(command: list[str]) -> int:
    """Run `dagster dev` until it exits or this process is told to stop; its exit code,
    0 when stopped. Returns once every process it started has ended too.

    It runs in a process group of its own, so the signal that stops this process reaches
    it once, from here, as the SIGINT it handles by shutting its webserver and daemon
    down. A second interrupt during that shutdown would cut it short and leave them
    running: later signals only repeat that it is stopping.
    """
    child: subprocess.Popen[bytes] | None = None
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        if not stopping and child is not None and child.poll() is None:
            child.send_signal(signal.SIGINT)
        stopping = True
        print(f"cdpkit dev: {signal.Signals(signum).name}: stopping dagster dev "
              "(its webserver and daemon first)", file=sys.stderr, flush=True)

    # before the child starts: a child inherits an ignored SIGINT (as a background job of a
    # script, or under a pytest-xdist worker, gets it) but not a handler, so dagster dev
    # starts with the default SIGINT it stops on
    previous = {number: signal.signal(number, stop) for number in STOP_SIGNALS}
    try:
        child = subprocess.Popen(command, env=os.environ.copy(), stdin=subprocess.DEVNULL,
                                 process_group=0)
        if stopping:  # told to stop while it started
            child.send_signal(signal.SIGINT)
        code = child.wait()
        wait_for_group(child.pid)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    return 0 if stopping else code


def wait_for_group(group: int) -> None:
    """Wait for the processes left in `group` to end; kill them after LEFTOVER_SECONDS.

    `dagster dev` asks its code server to shut down and exits without waiting for it.
    """
    deadline = time.monotonic() + LEFTOVER_SECONDS
    with contextlib.suppress(ProcessLookupError):
        while time.monotonic() < deadline:
            os.killpg(group, 0)  # ProcessLookupError once the group is empty
            time.sleep(0.2)
        print(f"cdpkit dev: killing what dagster dev left running after {LEFTOVER_SECONDS} s",
              file=sys.stderr, flush=True)
        os.killpg(group, signal.SIGKILL)
