"""The asset graph as Mermaid, group by group, for the README and reviews.

Generated from the Definitions themselves, so the picture cannot drift from
the code: `cdpkit graph > docs/asset-graph.mmd`.
"""

from __future__ import annotations

from collections import defaultdict

from dagster import Definitions


def mermaid(defs: Definitions) -> str:
    """A left-to-right flowchart: one box per group listing its assets, edges between groups."""
    graph = defs.resolve_asset_graph()
    members: dict[str, list[str]] = defaultdict(list)
    edges: set[tuple[str, str]] = set()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        group = node.group_name or "default"
        members[group].append(key.path[-1])
        for parent in node.parent_keys:
            parent_group = graph.get(parent).group_name or "default"
            if parent_group != group:
                edges.add((parent_group, group))
    checks = defaultdict(int)
    for check_key in graph.asset_check_keys:
        checks[graph.get(check_key.asset_key).group_name or "default"] += 1
    lines = ["flowchart LR"]
    for group in sorted(members):
        names = "<br/>".join(sorted(members[group]))
        suffix = f"<br/><i>{checks[group]} checks</i>" if checks[group] else ""
        lines.append(f'  {group}["<b>{group}</b><br/>{names}{suffix}"]')
    lines += [f"  {a} --> {b}" for a, b in sorted(edges)]
    return "\n".join(lines)
