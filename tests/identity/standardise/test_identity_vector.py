"""map_distinct: once per distinct value, in worker processes when there are many."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from identity.standardise import vector
from identity.standardise.phone import e164_series
from identity.standardise.records import street_parts
from identity.standardise.vector import map_distinct, map_distinct_pairs, worker_processes


def process_and_value(value: str) -> tuple[int, str]:
    return os.getpid(), value.upper()


@pytest.fixture
def parallel_from_ten(monkeypatch):
    """Worker processes from ten distinct values on (a million-record run's threshold
    would need a million-record test)."""
    monkeypatch.setattr(vector, "PARALLEL_MIN_DISTINCT", 10)
    monkeypatch.setenv(vector.PROCESSES_ENV, "2")
    if worker_processes() < 2:
        pytest.skip("one core: no worker processes to spread over")


def test_many_distinct_values_are_mapped_in_worker_processes_in_order(parallel_from_ten):
    values = pd.Series([f"v{i % 300}" for i in range(1000)] + [None], index=range(5, 1006))
    out = map_distinct(values, process_and_value, parallel=True)
    assert list(out.index) == list(values.index)
    assert [v[1] if v else None for v in out] == [v.upper() if v else None for v in values]
    assert os.getpid() not in {v[0] for v in out if v}  # every value went to a worker


def test_parallel_and_serial_standardisers_agree(parallel_from_ten):
    streets = pd.Series([f"{n} North Main Street, Apt {n % 7}" for n in range(200)])
    parallel = map_distinct(streets, street_parts, parallel=True)
    assert parallel.tolist() == [street_parts(s) for s in streets]
    phones = pd.Series([f"(415) 555-{n:04d}" for n in range(100, 300)])
    regions = pd.Series(["US"] * 200)
    assert e164_series(phones, regions).iloc[0] == "+14155550100"
    pairs = map_distinct_pairs(phones, regions, lambda d, r: f"{d}/{r}")  # few: serial
    assert pairs.iloc[0] == "(415) 555-0100/US"


def test_one_process_when_capped(monkeypatch):
    monkeypatch.setenv(vector.PROCESSES_ENV, "1")
    assert worker_processes() == 1
