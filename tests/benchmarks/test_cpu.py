"""The CPU readers the connector benchmark splits client and server time with."""

from __future__ import annotations

import subprocess
import sys
import time

from benchmarks.cpu import Meter, process_cpu_seconds

BUSY = "import time\nend = time.process_time() + 1.5\nwhile time.process_time() < end: pass\n"


def test_proc_reader_counts_a_busy_child_and_not_a_sleeping_one():
    busy = subprocess.Popen([sys.executable, "-c", BUSY + "time.sleep(30)"])
    idle = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        time.sleep(0.3)  # both past interpreter start-up
        busy_before, idle_before = process_cpu_seconds(busy.pid), process_cpu_seconds(idle.pid)
        time.sleep(1.2)
        assert process_cpu_seconds(busy.pid) - busy_before > 0.2
        assert process_cpu_seconds(idle.pid) - idle_before < 0.05
    finally:
        for proc in (busy, idle):
            proc.kill()
            proc.wait()


def test_meter_splits_client_cpu_from_server_cpu():
    idle = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        time.sleep(0.3)
        with Meter(idle.pid) as measure:
            end = time.process_time() + 0.3
            while time.process_time() < end:
                pass
        assert measure.client_cpu >= 0.3
        assert measure.server_cpu < 0.05
        assert measure.seconds >= 0.3
    finally:
        idle.kill()
        idle.wait()
