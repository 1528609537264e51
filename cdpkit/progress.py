"""Live progress of a Dagster run, read from the instance's event log.

The run executes in-process on the main thread; this watcher polls the
event log from a background thread and prints one line per step start,
materialisation, check result and step end, with elapsed time.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from typing import TextIO

from dagster import DagsterEventType, DagsterInstance

_SHOWN = {
    DagsterEventType.STEP_START,
    DagsterEventType.STEP_SUCCESS,
    DagsterEventType.STEP_FAILURE,
    DagsterEventType.ASSET_MATERIALIZATION,
    DagsterEventType.ASSET_CHECK_EVALUATION,
}


@dataclass
class RunWatcher:
    instance: DagsterInstance
    run_id: str
    started: float = field(default_factory=time.monotonic)
    interval: float = 0.25
    out: TextIO = field(default_factory=lambda: sys.stdout)
    checks_passed: int = 0
    _cursor: str | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> RunWatcher:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
        self._drain()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._drain()

    def _drain(self) -> None:
        connection = self.instance.get_records_for_run(
            self.run_id, cursor=self._cursor, of_type=_SHOWN
        )
        for record in connection.records:
            entry = record.event_log_entry
            if _is_passed_check(entry):
                self.checks_passed += 1
                continue
            line = describe(entry)
            if line and entry.dagster_event.event_type == DagsterEventType.STEP_SUCCESS \
                    and self.checks_passed:
                line += f" ({self.checks_passed} checks passed)"
                self.checks_passed = 0
            if line:
                elapsed = time.monotonic() - self.started
                self.out.write(f"  [{elapsed:6.1f}s] {line}\n")
                self.out.flush()
        self._cursor = connection.cursor


def _is_passed_check(record) -> bool:
    """Passed checks are counted, not listed: dbt alone runs dozens per step."""
    event = record.dagster_event
    return (event is not None and event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION
            and event.event_specific_data.passed)


def describe(record) -> str | None:
    """One human line for an event worth showing, else None."""
    event = record.dagster_event
    if event is None or event.event_type not in _SHOWN:
        return None
    kind = event.event_type
    if kind == DagsterEventType.STEP_START:
        return f"start   {event.step_key}"
    if kind == DagsterEventType.STEP_SUCCESS:
        return f"done    {event.step_key}"
    if kind == DagsterEventType.STEP_FAILURE:
        return f"FAILED  {event.step_key}"
    if kind == DagsterEventType.ASSET_MATERIALIZATION:
        mat = event.event_specific_data.materialization
        suffix = ""
        if (rows := mat.metadata.get("dagster/row_count")) is not None:
            suffix = f" ({rows.value:,} rows)"
        elif (received := mat.metadata.get("rows_loaded")) is not None:
            # dlt counts rows received in this load, before merging on the primary key.
            suffix = f" ({received.value:,} rows received)"
        return f"built   {mat.asset_key.to_user_string()}{suffix}"
    evaluation = event.event_specific_data
    verdict = "passed" if evaluation.passed else "FAILED"
    return f"check   {evaluation.asset_key.to_user_string()}:{evaluation.check_name} {verdict}"
