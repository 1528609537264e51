"""Why a golden customer holds the records it holds: its members and every link's evidence.

A steward asking "why are these two one person?" gets, for each link, the rule
and key that made it, or the match probability with each field's level and
weight from the fitted model. Only ids, rule names, levels and numbers are
shown, never the personal values, so an explanation can go into logs and
Dagster metadata.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd


@dataclass
class Explanation:
    golden_id: str
    #: source, source_id, matched_by
    members: pd.DataFrame
    #: one dict per link: left, right, rule, key, probability, fields
    links: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"golden_id": self.golden_id, "members": self.members.to_dict("records"),
                "links": self.links}


def explain(crosswalk: pd.DataFrame, match_edges: pd.DataFrame, match_model: pd.DataFrame,
            golden_id: str) -> Explanation:
    """The explanation of `golden_id` from the identity tables (as frames)."""
    members = crosswalk.loc[crosswalk["golden_id"] == golden_id,
                            ["source", "source_id", "matched_by"]].reset_index(drop=True)
    if members.empty:
        raise KeyError(f"no golden id {golden_id!r} in the crosswalk")
    keys = set(zip(members["source"], members["source_id"], strict=True))
    inside = [(ls, li) in keys and (rs, ri) in keys for ls, li, rs, ri in zip(
        match_edges["left_source"], match_edges["left_source_id"],
        match_edges["right_source"], match_edges["right_source_id"], strict=True)]
    weights = {(r.comparison, r.label): float(r.match_weight) for r in match_model.itertuples()}
    links = []
    for edge in match_edges[inside].itertuples():
        link: dict[str, Any] = {
            "left": f"{edge.left_source}:{edge.left_source_id}",
            "right": f"{edge.right_source}:{edge.right_source_id}",
            "rule": edge.rule,
        }
        if isinstance(edge.key, str):
            link["key"] = "(value withheld)" if edge.rule in ("email", "phone") else edge.key
        probability = getattr(edge, "match_probability", None)
        if probability is not None and pd.notna(probability):
            link["probability"] = round(float(probability), 6)
            levels = json.loads(edge.evidence) if isinstance(edge.evidence, str) else {}
            link["fields"] = [
                {"field": field, "level": level,
                 "weight": round(weights.get((field, level), 0.0), 2)}
                for field, level in levels.items() if level != "missing"
            ]
        links.append(link)
    return Explanation(golden_id, members, links)


def explain_in_warehouse(con: duckdb.DuckDBPyConnection, golden_id: str,
                         schema: str = "identity") -> Explanation:
    """`explain` reading only the golden id's rows from the warehouse."""
    crosswalk = con.execute(
        f"select source, source_id, golden_id, matched_by from {schema}.crosswalk "
        "where golden_id = ?", [golden_id]).df()
    edges = con.execute(f"""
        select e.* from {schema}.match_edges e
        join {schema}.crosswalk l on l.source = e.left_source and l.source_id = e.left_source_id
        where l.golden_id = ?""", [golden_id]).df()
    model = con.sql(f"select * from {schema}.match_model").df()
    return explain(crosswalk, edges, model, golden_id)


def format_explanation(explanation: Explanation) -> str:
    """The explanation as text for a terminal."""
    lines = [f"golden id {explanation.golden_id}: {len(explanation.members)} records"]
    lines += [f"  {m.source}:{m.source_id}  matched by {m.matched_by}"
              for m in explanation.members.itertuples()]
    lines.append("links:" if explanation.links else "no links (a single record)")
    for link in explanation.links:
        head = f"  {link['left']} -- {link['right']}  {link['rule']}"
        if "key" in link:
            head += f" on {link['key']}"
        if "probability" in link:
            head += f"  p={link['probability']:.4f}"
        lines.append(head)
        lines += [f"      {f['field']:<14} {f['level']:<52} {f['weight']:+.2f}"
                  for f in link.get("fields", [])]
    return "\n".join(lines)
