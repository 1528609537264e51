"""`cdpkit dev`'s process handling: the child it runs stops on its signal, whatever
signal dispositions `cdpkit dev` itself was started with, and nothing is left behind.

The child here is a small Python program standing in for `dagster dev`: it reports its
SIGINT disposition and waits; the wrapper is a real `python` process running
`run_until_stopped`, sent real signals.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

#: the stand-in for `dagster dev`: says how SIGINT reaches it, then waits to be stopped
CHILD = textwrap.dedent("""
    import pathlib, signal, sys, time
    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    pathlib.Path(sys.argv[1]).write_text("ignored" if ignored else "handled")
    time.sleep(60)
""")

#: runs `run_until_stopped` on the stand-in; exits with what it returned
WRAPPER = textwrap.dedent("""
    import sys
    import cdpkit.dev as dev
    dev.LEFTOVER_SECONDS = float(sys.argv[1])
    sys.exit(dev.run_until_stopped(sys.argv[2:]))
""")


def start_wrapper(command: list[str], *, ignore_sigint: bool,
                  leftover_seconds: float = 5) -> subprocess.Popen[bytes]:
    """The wrapper in a session of its own, optionally with SIGINT ignored from the start,
    as a background job of a shell script gets it."""
    def dispositions() -> None:
        if ignore_sigint:
            signal.signal(signal.SIGINT, signal.SIG_IGN)

    return subprocess.Popen(
        [sys.executable, "-c", WRAPPER, str(leftover_seconds), *command],
        preexec_fn=dispositions, start_new_session=True)


def wait_for_file(path: Path, process: subprocess.Popen[bytes], seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while not path.exists() or not path.read_text():
        assert process.poll() is None, f"the wrapper exited early ({process.returncode})"
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)
    return path.read_text()


def stop_and_wait(process: subprocess.Popen[bytes], seconds: float = 20) -> int:
    try:
        return process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        pytest.fail(f"the wrapper was still running {seconds} s after it was told to stop")


@pytest.mark.parametrize("ignore_sigint", [False, True], ids=["sigint-handled",
                                                              "sigint-ignored"])
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["int", "term"])
def test_the_child_stops_on_the_wrappers_signal(tmp_path, ignore_sigint, stop_signal):
    ready = tmp_path / "ready"
    wrapper = start_wrapper([sys.executable, "-c", CHILD, str(ready)],
                            ignore_sigint=ignore_sigint)
    # the child gets the default SIGINT even when the wrapper started with it ignored
    assert wait_for_file(ready, wrapper) == "handled"
    wrapper.send_signal(stop_signal)
    assert stop_and_wait(wrapper) == 0


def test_a_child_that_exits_by_itself_gives_its_exit_code(tmp_path):
    wrapper = start_wrapper([sys.executable, "-c", "import sys; sys.exit(3)"],
                            ignore_sigint=False)
    assert stop_and_wait(wrapper) == 3


def test_what_the_child_leaves_running_is_killed_after_the_grace_time(tmp_path):
    leftover_pid = tmp_path / "leftover.pid"
    # the child starts a grandchild in its process group that ignores SIGINT, and exits
    child = textwrap.dedent(f"""
        import pathlib, signal, subprocess, sys
        grandchild = subprocess.Popen(
            [sys.executable, "-c", "import signal, time; "
             "signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(120)"])
        pathlib.Path({str(leftover_pid)!r}).write_text(str(grandchild.pid))
    """)
    wrapper = start_wrapper([sys.executable, "-c", child], ignore_sigint=False,
                            leftover_seconds=1)
    assert stop_and_wait(wrapper) == 0
    pid = int(leftover_pid.read_text())
    # killed, so gone once reaped by init; a zombie at most meanwhile
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            break
        if state == "Z":
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"the leftover process {pid} is still running")
