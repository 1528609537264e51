"""The five asset groups, one per layer, and who answers for each.

Dagster shows a group per layer so a data engineer sees the pipeline's shape at a
glance: `sources` (dlt loads, one asset per raw table), `identity` (resolution and
the dbt views around it), `warehouse` (dbt staging, intermediate, marts, bi,
reference data, snapshots), `governance` (PII inventory, retention, erasure) and
`activation` (audience files). Owners are Dagster's `team:` owners; change them
here to your own teams.
"""

from __future__ import annotations

SOURCES, IDENTITY, WAREHOUSE, GOVERNANCE, ACTIVATION = (
    "sources", "identity", "warehouse", "governance", "activation")
GROUPS = (SOURCES, IDENTITY, WAREHOUSE, GOVERNANCE, ACTIVATION)

OWNERS: dict[str, list[str]] = {
    SOURCES: ["team:data-engineering"],
    IDENTITY: ["team:data-engineering"],
    WAREHOUSE: ["team:analytics-engineering"],
    GOVERNANCE: ["team:compliance"],
    ACTIVATION: ["team:marketing-ops"],
}
