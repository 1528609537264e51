"""Resolution quality on a synthetic world with ground truth (precision over recall)."""

import logging

import pytest

from identity.evaluate import pairwise_scores
from identity.resolve import resolve
from sandbox.world.identity_input import world_records, world_truth

world = pytest.importorskip("sandbox.world", reason="sandbox.world not available")
log = logging.getLogger(__name__)


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("world")
    world.generate_world(out, people=500, seed=42)
    return out


def test_precision_on_a_500_person_world(world_dir) -> None:
    records = world_records(world_dir)
    truth = world_truth(world_dir)
    result = resolve(records)
    scores = pairwise_scores(result.crosswalk, truth)
    log.warning("identity on 500-person world: precision %.4f recall %.4f f1 %.4f (%d records)",
                scores.precision, scores.recall, scores.f1, scores.records)
    assert scores.records == len(records)  # every record has a truth row
    assert scores.precision >= 0.95
    assert scores.recall >= 0.5  # deterministic keys alone find most links
    assert result.stats["cross_system_share"] > 0.2
