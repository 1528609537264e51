"""Where personal data is declared: `meta: {pii: <kind>}` on dbt columns.

dbt is the one place tables are documented, so the declaration lives there: on
the columns of models, snapshots and seeds, and on the columns of sources (the
raw tables the connectors write and the identity step's tables). dlt's
`<dataset>_staging` schemas hold the rows of a merge in flight with the same
columns as the dataset, so they inherit its declarations.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DLT_STAGING_SUFFIX = "_staging"
_NODE_TYPES = {"model", "snapshot", "seed"}


@dataclass(frozen=True)
class PiiCatalog:
    """Declared kinds by (schema, table, column), all lower-case."""

    declared: Mapping[tuple[str, str, str], str] = field(default_factory=dict)

    def kind_of(self, schema: str, table: str, column: str) -> str | None:
        key = (schema.lower(), table.lower(), column.lower())
        if key in self.declared:
            return self.declared[key]
        if schema.lower().endswith(DLT_STAGING_SUFFIX):
            base = schema.lower()[: -len(DLT_STAGING_SUFFIX)]
            return self.declared.get((base, key[1], key[2]))
        return None

    def columns_of(self, schema: str, table: str) -> dict[str, str]:
        return {column: kind for (s, t, column), kind in self.declared.items()
                if (s, t) == (schema.lower(), table.lower())}


def catalog_from_manifest(manifest: Mapping[str, Any]) -> PiiCatalog:
    """The declarations in a dbt `manifest.json` (as parsed JSON)."""
    declared: dict[tuple[str, str, str], str] = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") in _NODE_TYPES:
            _collect(declared, node["schema"], node.get("alias") or node["name"], node)
    for source in manifest.get("sources", {}).values():
        _collect(declared, source["schema"], source.get("identifier") or source["name"], source)
    return PiiCatalog(declared)


def load_catalog(manifest_path: Path) -> PiiCatalog:
    return catalog_from_manifest(json.loads(manifest_path.read_text(encoding="utf-8")))


def _collect(declared: dict, schema: str, table: str, node: Mapping[str, Any]) -> None:
    for column in (node.get("columns") or {}).values():
        meta = {**(column.get("meta") or {}), **((column.get("config") or {}).get("meta") or {})}
        kind = meta.get("pii")
        if kind:
            declared[(schema.lower(), table.lower(), column["name"].lower())] = str(kind)
