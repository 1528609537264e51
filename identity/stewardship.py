"""A data steward's decisions: pairs of records that are, or are not, one person.

The model is right most of the time; a steward who reviewed a pair is right
about that pair. Decisions are kept (a CSV file or the `identity.decisions`
table) and applied on every run: a must-link joins the two records whatever
the model says, a cannot-link keeps them in different clusters whatever links
they share, rules included. A decision naming a record the run does not hold
is reported, not an error: the record may come back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

DECISION_COLUMNS = ["left_source", "left_source_id", "right_source", "right_source_id",
                    "decision"]
DECISIONS = ("must_link", "cannot_link")


@dataclass
class AppliedDecisions:
    """Decisions as record positions (smaller first), and the ones that matched no record."""

    must_link: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame({"rid_l": [], "rid_r": []}, dtype=np.int64))
    cannot_link: frozenset[tuple[int, int]] = frozenset()
    unmatched: int = 0


def read_decisions(path: str | Path) -> pd.DataFrame:
    """A steward's decisions from CSV (`DECISION_COLUMNS`, any others ignored)."""
    return check_decisions(pd.read_csv(path, dtype=str, keep_default_na=False))


def check_decisions(decisions: pd.DataFrame) -> pd.DataFrame:
    """`decisions` with the expected columns and values, or a clear error."""
    missing = [c for c in DECISION_COLUMNS if c not in decisions.columns]
    if missing:
        raise ValueError(f"decisions lack columns {missing}; expected {DECISION_COLUMNS}")
    out = decisions[DECISION_COLUMNS].astype(str)
    out["decision"] = out["decision"].str.strip().str.lower().str.replace("-", "_")
    bad = sorted(set(out["decision"]) - set(DECISIONS))
    if bad:
        raise ValueError(f"unknown decisions {bad}; known: {DECISIONS}")
    return out


def apply_decisions(std: pd.DataFrame, decisions: pd.DataFrame | None) -> AppliedDecisions:
    """Map `decisions` onto the positions of `std` (columns `source`, `source_id`)."""
    if decisions is None or decisions.empty:
        return AppliedDecisions()
    decisions = check_decisions(decisions)
    position = pd.Series(np.arange(len(std)),
                         index=pd.MultiIndex.from_arrays([std["source"], std["source_id"]]))
    left = position.reindex(pd.MultiIndex.from_arrays(
        [decisions["left_source"], decisions["left_source_id"]])).to_numpy()
    right = position.reindex(pd.MultiIndex.from_arrays(
        [decisions["right_source"], decisions["right_source_id"]])).to_numpy()
    known = ~(np.isnan(left) | np.isnan(right)) & (left != right)
    pairs = pd.DataFrame({"rid_l": np.fmin(left, right)[known].astype(np.int64),
                          "rid_r": np.fmax(left, right)[known].astype(np.int64),
                          "decision": decisions["decision"].to_numpy()[known]})
    # a pair decided both ways keeps the later decision: the file's last line
    last = pairs.drop_duplicates(["rid_l", "rid_r"], keep="last")
    must = last[last["decision"] == "must_link"][["rid_l", "rid_r"]]
    cannot = last[last["decision"] == "cannot_link"]
    return AppliedDecisions(
        must.reset_index(drop=True),
        frozenset(zip(cannot["rid_l"].tolist(), cannot["rid_r"].tolist(), strict=True)),
        int((~known).sum()))
