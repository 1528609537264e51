"""CPU time on both sides of a benchmark step: this process and another one.

The client's CPU is this process's (all threads) plus its reaped children's
(dlt may normalise in worker processes); the server's is read from
``/proc/<pid>/stat`` (user + system time of all its threads), so the two can
be compared per record.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds used so far by process `pid`, all its threads."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    # the command name (field 2) may hold spaces: fields are counted after its ')'
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def client_cpu_seconds() -> float:
    """CPU seconds of this process plus its finished, waited-for children."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@dataclass
class Measure:
    """Wall and CPU seconds of one step, client and server side."""

    seconds: float = 0.0
    client_cpu: float = 0.0
    server_cpu: float = 0.0


class Meter:
    """``with Meter(server_pid) as m: ...`` fills ``m.measure`` for the block."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.measure = Measure()

    def __enter__(self) -> Measure:
        self._start = (time.perf_counter(), client_cpu_seconds(),
                       process_cpu_seconds(self.server_pid))
        return self.measure

    def __exit__(self, *exc: object) -> None:
        wall, client, server = self._start
        self.measure.seconds = time.perf_counter() - wall
        self.measure.client_cpu = client_cpu_seconds() - client
        self.measure.server_cpu = process_cpu_seconds(self.server_pid) - server
