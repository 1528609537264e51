import pandas as pd
import pytest

from identity.evaluate import pairwise_scores


def test_known_precision_and_recall() -> None:
    crosswalk = pd.DataFrame({
        "source": ["shop", "erp", "email", "social", "shop", "erp"],
        "source_id": ["1", "1", "a", "x", "2", "2"],
        "golden_id": ["g1", "g1", "g1", "g2", "g3", "g3"],
    })
    truth = pd.DataFrame({
        "system": ["shop", "erp", "email", "social", "shop", "erp", "erp"],
        "collection": ["customers", "res.partner", "members", "users", "customers",
                       "res.partner", "sale.order"],
        "source_id": ["1", "1", "a", "x", "2", "2", "1"],
        "person_id": [1, 1, 2, 1, 3, 3, 99],
    })
    # predicted pairs: g1 has 3 (C(3,2)), g3 has 1 -> 4; true pairs: person 1 has 3, person 3 has 1
    # true positives: (g1,p1) 1 pair + (g3,p3) 1 pair = 2
    s = pairwise_scores(crosswalk, truth)
    assert (s.predicted_pairs, s.true_pairs, s.true_positive_pairs) == (4, 4, 2)
    assert s.precision == pytest.approx(0.5) and s.recall == pytest.approx(0.5)
    assert s.f1 == pytest.approx(0.5) and s.records == 6


def test_perfect_and_empty() -> None:
    crosswalk = pd.DataFrame({"source": ["a", "b"], "source_id": ["1", "1"],
                              "golden_id": ["g", "g"]})
    truth = pd.DataFrame({"source": ["a", "b"], "source_id": ["1", "1"], "person_id": [5, 5]})
    s = pairwise_scores(crosswalk, truth)
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)
    split = crosswalk.assign(golden_id=["g", "h"])
    s = pairwise_scores(split, truth)
    assert (s.precision, s.recall, s.true_pairs) == (1.0, 0.0, 1)
