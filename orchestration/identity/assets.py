"""Identity resolution as assets: crosswalk, golden profiles, evidence, review queue, model.

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

from identity.explain import explain, format_explanation
from identity.persist import load_decisions, load_id_state, load_records, write_result
from identity.resolve import IdentityResult, resolve
from identity.timing import stage_seconds
from orchestration.resources import IdentityResource, WarehouseResource

UNIFIED_RECORDS = AssetKey(["intermediate", "int_customer_records_unioned"])
UNIFIED_TABLE = "intermediate.int_customer_records_unioned"
CROSSWALK = AssetKey(["identity", "crosswalk"])
GOLDEN_PROFILES = AssetKey(["identity", "golden_profiles"])
MATCH_EDGES = AssetKey(["identity", "match_edges"])
REVIEW_QUEUE = AssetKey(["identity", "review_queue"])
MATCH_MODEL = AssetKey(["identity", "match_model"])
#: match-probability bins of the score histogram in the metadata
PROBABILITY_BINS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0)


def _spec(key: AssetKey, description: str) -> AssetSpec:
    return AssetSpec(key, deps=[UNIFIED_RECORDS], group_name="identity",
                     description=description, kinds={"python", "duckdb"})


@multi_asset(
    specs=[
        _spec(CROSSWALK, "One row per source record: (source, source_id) -> golden_id."),
        _spec(GOLDEN_PROFILES, "One row per golden customer with survived attributes."),
        _spec(MATCH_EDGES, "Every accepted link between two records: its rule, or its "
                           "match probability with the level each field reached."),
        _spec(REVIEW_QUEUE, "Pairs a steward should decide: scored between the review and "
                            "auto-merge thresholds, or linked but refused by the cluster guard."),
        _spec(MATCH_MODEL, "The fitted Fellegi-Sunter model: m, u and match weight per "
                           "comparison level."),
    ],
    name="resolve_identities",
    pool="warehouse",
)
def resolve_identities(
    context: AssetExecutionContext, warehouse: WarehouseResource, identity: IdentityResource
) -> Iterator[MaterializeResult]:
    settings = identity.settings()
    with warehouse.connect() as con:
        records = load_records(con, relation=UNIFIED_TABLE)
        decisions = load_decisions(con)
        context.log.info("resolving %d source records with %d steward decisions",
                         len(records), 0 if decisions is None else len(decisions))
        result = resolve(records, settings, decisions=decisions, previous=load_id_state(con))
        write_result(con, result)
    stats = result.stats
    yield MaterializeResult(asset_key=CROSSWALK, metadata={
        "dagster/row_count": len(result.crosswalk),
        "records_by_source": MetadataValue.md(_counts_table(result.crosswalk, "source")),
        "share_linked_across_systems": float(stats.get("cross_system_share", 0.0)),
    })
    health = stats["health"]
    yield MaterializeResult(asset_key=GOLDEN_PROFILES, metadata={
        "dagster/row_count": len(result.golden_profiles),
        "merge_rate": float(health["merge_rate"]),
        "largest_cluster": int(health["largest_cluster"]),
        "review_queue": int(health["review_queue"]),
        "cluster_sizes": MetadataValue.md(
            _counts_table(result.golden_profiles, "member_count")),
        "source_system_combinations": MetadataValue.md(
            _counts_table(result.golden_profiles, "source_systems")),
        "largest_cluster_explained": MetadataValue.md(_explain_largest(result)),
        "golden_id_events": MetadataValue.json({k: int(v) for k, v in
                                                stats.get("id_events", {}).items()}),
        "survivorship": MetadataValue.md(_survivorship_table(settings)),
    })
    yield MaterializeResult(asset_key=MATCH_EDGES, metadata={
        "dagster/row_count": len(result.match_edges),
        "edges_by_rule": MetadataValue.md(_counts_table(result.match_edges, "rule")),
        "match_probabilities": MetadataValue.md(_probability_histogram(result.match_edges)),
        "stats": MetadataValue.json({k: _plain(v) for k, v in stats.items()}),
        "seconds_by_stage": MetadataValue.md(_stage_table(stats)),
    })
    yield MaterializeResult(asset_key=REVIEW_QUEUE, metadata={
        "dagster/row_count": len(result.review_queue),
        "pairs_by_reason": MetadataValue.md(_counts_table(result.review_queue, "reason")),
        "match_probabilities": MetadataValue.md(_probability_histogram(result.review_queue)),
    })
    yield MaterializeResult(asset_key=MATCH_MODEL, metadata={
        "dagster/row_count": len(result.match_model),
        "match_prior": float(stats.get("match_prior", 0.0)),
        "match_weights": MetadataValue.md(_weights_table(result.match_model)),
    })


def _survivorship_table(settings) -> str:
    """Which rule chose each golden attribute, so a reader knows why a value won."""
    from identity.golden import SURVIVING, SURVIVORSHIP_RULES

    chosen = dict(settings.survivorship)
    lines = ["| attribute | rule | meaning |", "| --- | --- | --- |"]
    for attribute in SURVIVING:
        rule = chosen.get(attribute, "most_recent")
        lines.append(f"| {attribute} | {rule} | {SURVIVORSHIP_RULES[rule]} |")
    return "\n".join(lines)


def _stage_table(stats: dict) -> str:
    """Where the run's time went: the resolve stages, and linkage's own steps under it."""
    lines = ["| stage | seconds |", "| --- | ---: |"]
    lines += [f"| {'&nbsp;&nbsp;' if is_step else ''}{stage} | {seconds:.2f} |"
              for stage, seconds, is_step in stage_seconds(stats)]
    lines.append(f"| total | {float(stats.get('seconds', 0.0)):.2f} |")
    return "\n".join(lines)


def _counts_table(df: pd.DataFrame, column: str, limit: int = 20) -> str:
    if df.empty:
        return "_empty_"
    counts = df[column].astype(str).value_counts().head(limit)
    lines = [f"| {column} | rows |", "| --- | ---: |"]
    lines += [f"| {value} | {count:,} |" for value, count in counts.items()]
    return "\n".join(lines)


def _probability_histogram(pairs: pd.DataFrame) -> str:
    """How many scored pairs fall in each probability band: the shape a steward checks."""
    scores = pairs["match_probability"].dropna() if "match_probability" in pairs else []
    if len(scores) == 0:
        return "_no scored pairs_"
    edges = (0.0, *PROBABILITY_BINS)
    bands = pd.cut(scores, bins=edges, include_lowest=True).value_counts(sort=False)
    lines = ["| match probability | pairs |", "| --- | ---: |"]
    lines += [f"| {band} | {count:,} |" for band, count in bands.items() if count]
    return "\n".join(lines)


def _explain_largest(result: IdentityResult) -> str:
    """The largest cluster's members and link evidence (ids and levels, no values)."""
    golden = result.golden_profiles
    if golden.empty or golden["member_count"].max() < 2:
        return "_no cluster holds more than one record_"
    largest = golden.loc[golden["member_count"].idxmax(), "golden_id"]
    explanation = explain(result.crosswalk, result.match_edges, result.match_model, largest)
    return f"```\n{format_explanation(explanation)}\n```"


def _weights_table(model: pd.DataFrame) -> str:
    if model.empty:
        return "_matching off_"
    lines = ["| comparison | level | m | u | weight |", "| --- | --- | ---: | ---: | ---: |"]
    lines += [f"| {r.comparison} | {r.label} | {r.m:.4f} | {r.u:.6f} | {r.match_weight:+.2f} |"
              for r in model.itertuples()]
    return "\n".join(lines)


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "item"):
        return value.item()
    return value


identity_assets = [resolve_identities]
