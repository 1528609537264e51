"""Deterministic match rules: candidate links by grouping records on a shared key.

Each rule groups records on one key (standardised email, E.164 phone, ERP
``cross_ref`` -> shop id) and pairs the members of each group, never comparing
all records with all records. Email and phone links pass the household guard
(see ``compare.py``): households share inboxes and landlines, and one wrong
link merges two customers for good, so precision wins over recall. The
probabilistic stage planned next adds its own edges in the same shape.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from identity.compare import names_compatible
from identity.settings import IdentitySettings

log = logging.getLogger(__name__)

EDGE_COLUMNS = ["rid_l", "rid_r", "rule", "key"]
#: Rule name -> standardised columns that hold its keys.
KEY_COLUMNS = {"email": ("email_key", "text_email_key"),
               "phone": ("phone_key", "text_phone_key")}


@dataclass
class RuleOutput:
    """Accepted edges (record positions ``rid_l < rid_r``) plus what the guard did."""

    edges: pd.DataFrame
    skipped_keys: pd.DataFrame  # rule, key, records: keys over the group-size cap
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def candidate_edges(std: pd.DataFrame, settings: IdentitySettings) -> RuleOutput:
    """Edges of every enabled rule; ``std`` is indexed by record position 0..n-1."""
    edges, skipped, counts = [], [], {}
    for rule in settings.rules:
        if rule == "cross_ref":
            found = cross_ref_edges(std, settings)
            counts[rule] = {"accepted": len(found)}
        else:
            out = guarded_key_edges(std, rule, KEY_COLUMNS[rule], settings)
            found = out.edges
            skipped.append(out.skipped_keys)
            counts[rule] = out.counts[rule]
        log.info("rule %s: %s", rule, counts[rule])
        edges.append(found)
    return RuleOutput(
        edges=_concat(edges, EDGE_COLUMNS),
        skipped_keys=_concat(skipped, ["rule", "key", "records"]),
        counts=counts,
    )


def key_groups(std: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """Long table ``rid, key`` of every record's distinct non-null keys."""
    parts = [
        pd.DataFrame({"rid": std.index.to_numpy(), "key": std[column].to_numpy()})
        for column in columns
    ]
    keys = pd.concat(parts, ignore_index=True).dropna(subset=["key"])
    return keys.drop_duplicates(ignore_index=True)


def guarded_key_edges(
    std: pd.DataFrame, rule: str, columns: tuple[str, ...], settings: IdentitySettings
) -> RuleOutput:
    """Pairs of records sharing a key of ``columns`` whose names are compatible."""
    guard = settings.guard
    keys = key_groups(std, columns)
    sizes = keys.groupby("key")["rid"].transform("size")
    over = keys[sizes > guard.max_group_size]
    skipped = over.groupby("key").size().rename("records").reset_index()
    skipped.insert(0, "rule", rule)
    if len(skipped):
        log.info("rule %s: skipped %d keys shared by > %d records",
                 rule, len(skipped), guard.max_group_size)
    keys = keys[(sizes > 1) & (sizes <= guard.max_group_size)]
    pairs = keys.merge(keys, on="key", suffixes=("_l", "_r"))
    pairs = pairs[pairs["rid_l"] < pairs["rid_r"]].reset_index(drop=True)
    counts = {"pairs": len(pairs), "keys_skipped": len(skipped)}
    if guard.enabled and len(pairs):
        for side in ("l", "r"):
            rid = pairs[f"rid_{side}"].to_numpy()
            pairs[f"first_key_{side}"] = std["first_key"].to_numpy()[rid]
            pairs[f"last_key_{side}"] = std["last_key"].to_numpy()[rid]
        pairs["compatible"] = names_compatible(pairs, guard).to_numpy()
        counts["rejected_names"] = int((~pairs["compatible"]).sum())
        accepted = pairs[pairs["compatible"]]
        if guard.drop_ambiguous:
            before = len(accepted)
            accepted = _drop_ambiguous(pairs, accepted)
            counts["dropped_ambiguous"] = before - len(accepted)
    else:
        accepted = pairs
    counts["accepted"] = len(accepted)
    edges = accepted[["rid_l", "rid_r", "key"]].assign(rule=rule)[EDGE_COLUMNS]
    return RuleOutput(edges.reset_index(drop=True), skipped, {rule: counts})


def _drop_ambiguous(pairs: pd.DataFrame, accepted: pd.DataFrame) -> pd.DataFrame:
    """Remove links of a record compatible with two group members that disagree.

    "J. Smith" (or a nameless record) on the Smiths' shared inbox fits both John
    and Jane; linking it to both would merge the couple through it.
    """
    sym = pd.concat(
        [
            accepted[["key", "rid_l", "rid_r"]].set_axis(["key", "a", "b"], axis=1),
            accepted[["key", "rid_r", "rid_l"]].set_axis(["key", "a", "b"], axis=1),
        ],
        ignore_index=True,
    )
    triples = sym.merge(sym, on=["key", "a"], suffixes=("_x", "_y"))
    triples = triples[triples["b_x"] < triples["b_y"]]
    if triples.empty:
        return accepted
    verdict = triples.merge(
        pairs[["key", "rid_l", "rid_r", "compatible"]],
        left_on=["key", "b_x", "b_y"],
        right_on=["key", "rid_l", "rid_r"],
        how="left",
    )
    bad = verdict.loc[verdict["compatible"].eq(False), ["key", "a"]].drop_duplicates()
    if bad.empty:
        return accepted
    bad_index = pd.MultiIndex.from_frame(bad)
    left = pd.MultiIndex.from_arrays([accepted["key"], accepted["rid_l"]])
    right = pd.MultiIndex.from_arrays([accepted["key"], accepted["rid_r"]])
    keep = ~(left.isin(bad_index) | right.isin(bad_index))
    return accepted[np.asarray(keep)]


def cross_ref_edges(std: pd.DataFrame, settings: IdentitySettings) -> pd.DataFrame:
    """ERP records whose ``cross_ref`` names a shop customer's numeric id.

    The reference was typed by staff against the shop record, so it needs no
    name check.
    """
    rule = settings.cross_ref
    src = std[(std["source"] == rule.from_source) & std["cross_ref_key"].notna()]
    dst = std[(std["source"] == rule.to_source) & std["source_id_key"].notna()]
    left = pd.DataFrame({"a": src.index.to_numpy(), "key": src["cross_ref_key"].to_numpy()})
    right = pd.DataFrame({"b": dst.index.to_numpy(), "key": dst["source_id_key"].to_numpy()})
    found = left.merge(right, on="key")
    found = found[found["a"] != found["b"]]
    edges = pd.DataFrame(
        {
            "rid_l": np.minimum(found["a"], found["b"]).to_numpy(),
            "rid_r": np.maximum(found["a"], found["b"]).to_numpy(),
            "rule": "cross_ref",
            "key": found["key"].to_numpy(),
        }
    )
    return edges.drop_duplicates(ignore_index=True)


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat(frames, ignore_index=True)[columns]
