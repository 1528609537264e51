"""Asset keys and groups for dbt nodes that read like the warehouse layout.

Models are keyed `<layer>/<model>` (`staging/stg_shop__customers`,
`marts/dim_customers`), seeds as `reference/<seed>`, snapshots as
`snapshots/<snapshot>`, all in the `warehouse` group unless a model's
`meta.dagster.group` says otherwise (identity's input and the views over its
output sit in `identity`); dbt sources are keyed
`<source>/<table>`, exactly the keys of the dlt and identity assets that
produce them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dagster import AssetKey
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from orchestration.groups import OWNERS, WAREHOUSE


def _layer(props: Mapping[str, Any]) -> str:
    if props.get("resource_type") == "seed":
        return "reference"  # seeds/ holds reference data (exchange rates), schema `reference`
    if props.get("resource_type") == "snapshot":
        return "snapshots"  # SCD2 histories (dim_customers_history), schema `snapshots`
    fqn = props.get("fqn") or []
    return fqn[1] if len(fqn) > 2 else "models"


class WarehouseTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(
            enable_asset_checks=True, enable_duplicate_source_asset_keys=True
        ))

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            # dlt writes nested lists as child tables (`orders__line_items`) in the same
            # run as their parent, so the parent stream's asset is their producer.
            parent_table = dbt_resource_props["name"].split("__")[0]
            return AssetKey([dbt_resource_props["source_name"], parent_table])
        return AssetKey([_layer(dbt_resource_props), dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return super().get_group_name(dbt_resource_props) or WAREHOUSE

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> Sequence[str] | None:
        return OWNERS.get(self.get_group_name(dbt_resource_props) or WAREHOUSE)
