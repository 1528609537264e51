"""The linker fits on a sample of the candidate pairs and scores every one of them."""

from __future__ import annotations

import pytest

from identity.febrl import febrl_table
from identity.interface import to_records
from identity.match.keys import match_keys
from identity.match.linker import link
from identity.match.settings import MatchSettings
from identity.settings import IdentitySettings
from identity.standardise.records import standardise_records


@pytest.fixture(scope="module")
def febrl3_keys():
    records = to_records(febrl_table("febrl3"))
    std = standardise_records(records, IdentitySettings())
    return match_keys(std.reset_index(drop=True))


def accepted(result, threshold: float = 0.95) -> set[tuple[int, int]]:
    pairs = result.pairs[result.pairs["match_probability"] >= threshold]
    return set(zip(pairs["rid_l"], pairs["rid_r"], strict=True))


def test_a_model_fitted_on_a_sample_accepts_nearly_the_pairs_a_full_fit_accepts(febrl3_keys):
    full = link(febrl3_keys, MatchSettings(link_type="dedupe"))
    candidates = full.stats["candidate_pairs"]
    assert full.stats["training_pairs"] == candidates  # small input: the sample is everything
    sampled = link(febrl3_keys, MatchSettings(link_type="dedupe",
                                              training_pairs=candidates // 5))
    assert sampled.stats["training_pairs"] == pytest.approx(candidates // 5, rel=0.05)
    assert sampled.stats["candidate_pairs"] == candidates  # every pair is still scored
    both, either = accepted(full) & accepted(sampled), accepted(full) | accepted(sampled)
    assert len(both) / len(either) > 0.98
    assert sampled.model.prior == pytest.approx(full.model.prior, rel=0.25)


def test_the_run_reports_where_its_time_went(febrl3_keys):
    stats = link(febrl3_keys, MatchSettings(link_type="dedupe")).stats
    assert set(stats["stage_seconds"]) == {"blocking", "compare_sample", "fit",
                                           "compare_and_score"}
    assert all(seconds >= 0 for seconds in stats["stage_seconds"].values())
