"""Run the cdp_pipeline job in-process with live progress."""

from __future__ import annotations

from dagster import DagsterInstance, Definitions

from cdpkit.progress import RunWatcher

# The watcher prints progress; Dagster's own console log would bury it. The full
# event log is still stored in the instance (and shown by `dagster dev`).
QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def run_pipeline(defs: Definitions, instance: DagsterInstance | None = None) -> tuple[str, bool]:
    """Execute every asset and check once; return (run id, success)."""
    from dagster._core.utils import make_new_run_id

    job = defs.resolve_job_def("cdp_pipeline")
    instance = instance or DagsterInstance.get()
    run_id = make_new_run_id()
    with RunWatcher(instance, run_id):
        result = job.execute_in_process(
            instance=instance, run_id=run_id, raise_on_error=False, run_config=QUIET_CONSOLE
        )
    return run_id, result.success
