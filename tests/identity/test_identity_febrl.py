"""Quality targets on the FEBRL benchmarks (figures and timings: make bench)."""

from __future__ import annotations

import logging

import pytest

from identity.febrl import febrl_settings, febrl_table
from identity.interface import evaluate_table

log = logging.getLogger(__name__)


@pytest.mark.parametrize(("name", "target"), [("febrl4", 0.995), ("febrl3", 0.99)])
def test_f1_on_febrl(name: str, target: float) -> None:
    evaluation = evaluate_table(febrl_table(name), "true_id", febrl_settings(name))
    log.warning("%s: precision %.4f recall %.4f f1 %.4f", name, evaluation.precision,
                evaluation.recall, evaluation.f1)
    assert evaluation.f1 >= target
    assert evaluation.precision >= 0.999


def test_default_guard_costs_febrl_recall_not_precision() -> None:
    """With the household guard on, FEBRL's replaced names and dates stay apart."""
    evaluation = evaluate_table(febrl_table("febrl3"), "true_id")
    assert evaluation.precision >= 0.999
    assert 0.6 < evaluation.recall < 0.99
