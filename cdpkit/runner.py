"""Run the cdp_pipeline job in-process with live progress."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TextIO

from dagster import DagsterInstance, Definitions

from cdpkit.progress import RunWatcher

# The watcher prints progress; Dagster's own console log would bury it. The full
# event log is still stored in the instance (and shown by `dagster dev`).
QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
# Who runs an in-process run, so a later run can tell a live one from a killed one.
PID_TAG, HOST_TAG = "cdpkit/pid", "cdpkit/host"


def run_pipeline(
    defs: Definitions, instance: DagsterInstance | None = None, log_path: Path | None = None,
    without_groups: tuple[str, ...] = (),
) -> tuple[str, bool]:
    """Execute every asset and check once; return (run id, success).

    `without_groups` leaves those asset groups out (`cdpkit build`: everything but the
    `sources`, on what the raw tables hold now).

    With `log_path`, everything the libraries print (dbt's console, dlt and
    connector warnings) goes to that file and only the progress lines reach
    the terminal.
    """
    from dagster._core.utils import make_new_run_id

    job = defs.resolve_job_def("cdp_pipeline")
    selection = None
    if without_groups:
        graph = defs.resolve_asset_graph()
        selection = [key for key in job.asset_layer.executable_asset_keys
                     if graph.get(key).group_name not in without_groups]
    instance = instance or DagsterInstance.get()
    release_slots_of_dead_runs(instance)
    run_id = make_new_run_id()
    capture = output_to_file(log_path) if log_path else nullcontext(sys.stdout)
    with capture as terminal, RunWatcher(instance, run_id, out=terminal):
        result = job.execute_in_process(
            instance=instance, run_id=run_id, raise_on_error=False, run_config=QUIET_CONSOLE,
            asset_selection=selection,
            tags={PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()},
        )
    return run_id, result.success


def release_slots_of_dead_runs(instance: DagsterInstance) -> list[str]:
    """Free the pool slots of runs that can no longer free them; return their run ids.

    Each pool admits one step at a time (orchestration/dagster.yaml). An
    in-process run killed mid-step (Ctrl-C twice, SIGKILL, a closed laptop)
    keeps its slot, and the next run would wait for it forever. Dagster's
    daemon cleans up the runs it launched; this does the same for ours: a
    finished run's slots, and those of an in-process run whose process on this
    host is gone, which is then marked failed.
    """
    freed = []
    for run_id in instance.event_log_storage.get_concurrency_run_ids():
        run = instance.get_run_by_id(run_id)
        if run is not None and not run.is_finished:
            if run.tags.get(HOST_TAG) != socket.gethostname() or _alive(run.tags.get(PID_TAG)):
                continue
            instance.report_run_failed(run, "its process died; pool slots released")
        instance.event_log_storage.free_concurrency_slots_for_run(run_id)
        freed.append(run_id)
    return freed


def _alive(pid: str | None) -> bool:
    if not pid:
        return True  # not ours to judge
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def output_to_file(path: Path) -> Iterator[TextIO]:
    """Point this process's stdout and stderr (file descriptors 1, 2) at `path`.

    dbt, dlt and Dagster write to the descriptors directly or through their own
    handlers, so redirecting `sys.stdout` alone would not catch them. Yields a
    stream that still reaches the terminal.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    terminal = os.fdopen(os.dup(saved[0]), "w", buffering=1)
    with path.open("w") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield terminal
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            terminal.close()
