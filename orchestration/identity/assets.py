"""Identity resolution as assets: crosswalk, golden profiles and match evidence.

The step reads the unified source records dbt built, resolves them in Python
and writes the `identity` schema that the marts read. Metadata carries only
counts and distributions, never personal values.
"""


from collections.abc import Iterator

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

from identity.persist import load_records, write_result
from identity.resolve import resolve
from orchestration.resources import WarehouseResource

UNIFIED_RECORDS = AssetKey(["intermediate", "int_customer_records_unioned"])
UNIFIED_TABLE = "intermediate.int_customer_records_unioned"
CROSSWALK = AssetKey(["identity", "crosswalk"])
GOLDEN_PROFILES = AssetKey(["identity", "golden_profiles"])
MATCH_EDGES = AssetKey(["identity", "match_edges"])


def _spec(key: AssetKey, description: str) -> AssetSpec:
    return AssetSpec(key, deps=[UNIFIED_RECORDS], group_name="identity",
                     description=description, kinds={"python", "duckdb"})


@multi_asset(
    specs=[
        _spec(CROSSWALK, "One row per source record: (source, source_id) -> golden_id."),
        _spec(GOLDEN_PROFILES, "One row per golden customer with survived attributes."),
        _spec(MATCH_EDGES, "Every accepted link between two records, with its rule."),
    ],
    name="resolve_identities",
    pool="warehouse",
)
def resolve_identities(
    context: AssetExecutionContext, warehouse: WarehouseResource
) -> Iterator[MaterializeResult]:
    with warehouse.connect() as con:
        records = load_records(con, relation=UNIFIED_TABLE)
        context.log.info("resolving %d source records", len(records))
        result = resolve(records)
        write_result(con, result)
    stats = result.stats
    yield MaterializeResult(asset_key=CROSSWALK, metadata={
        "dagster/row_count": len(result.crosswalk),
        "records_by_source": MetadataValue.md(_counts_table(result.crosswalk, "source")),
        "share_linked_across_systems": float(stats.get("share_linked_across_systems", 0.0)),
    })
    yield MaterializeResult(asset_key=GOLDEN_PROFILES, metadata={
        "dagster/row_count": len(result.golden_profiles),
        "cluster_sizes": MetadataValue.md(
            _counts_table(result.golden_profiles, "member_count")),
        "source_system_combinations": MetadataValue.md(
            _counts_table(result.golden_profiles, "source_systems")),
    })
    yield MaterializeResult(asset_key=MATCH_EDGES, metadata={
        "dagster/row_count": len(result.match_edges),
        "edges_by_rule": MetadataValue.md(_counts_table(result.match_edges, "rule")),
        "stats": MetadataValue.json({k: _plain(v) for k, v in stats.items()}),
    })


def _counts_table(df: pd.DataFrame, column: str, limit: int = 20) -> str:
    if df.empty:
        return "_empty_"
    counts = df[column].astype(str).value_counts().head(limit)
    lines = [f"| {column} | rows |", "| --- | ---: |"]
    lines += [f"| {value} | {count:,} |" for value, count in counts.items()]
    return "\n".join(lines)


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "item"):
        return value.item()
    return value


identity_assets = [resolve_identities]
