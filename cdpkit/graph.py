"""The asset graph as Mermaid, group by group, for the README and reviews.

Generated from the Definitions themselves, so the picture cannot drift from
the code: `cdpkit graph > docs/asset-graph.mmd`. Each Dagster group (one per
layer: sources, identity, warehouse, governance, activation) is a subgraph; inside
it, one box per key prefix (`raw_shop`, `staging`, `marts`, ...) lists its assets,
and arrows join boxes whose assets depend on each other.
"""

from __future__ import annotations

from collections import defaultdict

from dagster import AssetKey, Definitions

from orchestration.groups import GROUPS


def _box(graph, key: AssetKey) -> tuple[str, str]:
    group = graph.get(key).group_name or "default"
    return group, key.path[0] if len(key.path) > 1 else group


def mermaid(defs: Definitions) -> str:
    """A left-to-right flowchart: a subgraph per group, a box per key prefix in it."""
    graph = defs.resolve_asset_graph()
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    edges: set[tuple[tuple[str, str], tuple[str, str]]] = set()
    for key in graph.get_all_asset_keys():
        box = _box(graph, key)
        members[box].append(key.path[-1])
        for parent in graph.get(key).parent_keys:
            if _box(graph, parent) != box:
                edges.add((_box(graph, parent), box))
    checks: dict[tuple[str, str], int] = defaultdict(int)
    for check_key in graph.asset_check_keys:
        checks[_box(graph, check_key.asset_key)] += 1

    def node_id(box: tuple[str, str]) -> str:
        return f"{box[0]}__{box[1]}"

    order = {group: i for i, group in enumerate(GROUPS)}
    lines = ["flowchart LR"]
    for group in sorted({g for g, _ in members}, key=lambda g: (order.get(g, 99), g)):
        lines.append(f"  subgraph {group}")
        for box in sorted(b for b in members if b[0] == group):
            names = "<br/>".join(sorted(members[box]))
            suffix = f"<br/><i>{checks[box]} checks</i>" if checks[box] else ""
            lines.append(f'    {node_id(box)}["<b>{box[1]}</b><br/>{names}{suffix}"]')
        lines.append("  end")
    lines += [f"  {node_id(a)} --> {node_id(b)}" for a, b in sorted(edges)]
    return "\n".join(lines)
