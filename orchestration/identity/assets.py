"""Identity resolution as assets: crosswalk, golden profiles, evidence, review queue, model.

The step reads the unified source records dbt built, resolves them in Python
and writes the `identity` schema that the marts read. After the first run it
resolves only new, changed and deleted records against the stored clusters
(`identity.incremental`); a settings change, a change over the configured
share of records, or the run config `full: true` (the daily reconciliation)
resolves everything and refits the model. Metadata carries only counts and
distributions, never personal values.
"""


import json
from collections.abc import Iterator

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Config,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

from identity.explain import explain_in_warehouse, format_explanation
from identity.incremental import RunSummary, resolve_into
from identity.persist import load_decisions, load_records
from identity.timing import stage_seconds
from orchestration.groups import IDENTITY, OWNERS
from orchestration.resources import IdentityResource, WarehouseResource

UNIFIED_RECORDS = AssetKey(["intermediate", "int_customer_records_unioned"])
UNIFIED_TABLE = "intermediate.int_customer_records_unioned"
CROSSWALK = AssetKey(["identity", "crosswalk"])
GOLDEN_PROFILES = AssetKey(["identity", "golden_profiles"])
MATCH_EDGES = AssetKey(["identity", "match_edges"])
REVIEW_QUEUE = AssetKey(["identity", "review_queue"])
MATCH_MODEL = AssetKey(["identity", "match_model"])
SCHEMA = "identity"
#: match-probability bins of the score histogram in the metadata
PROBABILITY_BINS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0)


class ResolveConfig(Config):
    """Run config of `resolve_identities`."""

    #: resolve every record again and refit the model, whatever changed (the daily
    #: reconciliation); otherwise only new, changed and deleted records are resolved
    full: bool = False


def _spec(key: AssetKey, description: str) -> AssetSpec:
    return AssetSpec(key, deps=[UNIFIED_RECORDS], group_name=IDENTITY, owners=OWNERS[IDENTITY],
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
    context: AssetExecutionContext, config: ResolveConfig, warehouse: WarehouseResource,
    identity: IdentityResource,
) -> Iterator[MaterializeResult]:
    settings = identity.settings()
    with warehouse.connect() as con:
        records = load_records(con, relation=UNIFIED_TABLE)
        decisions = load_decisions(con)
        context.log.info("resolving %d source records with %d steward decisions",
                         len(records), 0 if decisions is None else len(decisions))
        run = resolve_into(con, records, settings, decisions=decisions, full=config.full)
        if run.mode == "full":
            context.log.info("full run: %s", run.reason)
        else:
            context.log.info("incremental run: %d new, %d changed, %d deleted records; "
                             "%d records re-clustered", run.stats["records_new"],
                             run.stats["records_changed"], run.stats["records_deleted"],
                             run.stats["reclustered_records"])
        yield from _materializations(con, run, settings)


def _materializations(con, run: RunSummary, settings) -> Iterator[MaterializeResult]:
    """Each identity table's metadata, read back from the warehouse: an incremental run
    changes rows in place, so the tables, not the run, hold the whole picture."""
    stats = run.stats
    crosswalk, golden = f"{SCHEMA}.crosswalk", f"{SCHEMA}.golden_profiles"
    edges, review = f"{SCHEMA}.match_edges", f"{SCHEMA}.review_queue"
    yield MaterializeResult(asset_key=CROSSWALK, metadata={
        "dagster/row_count": _count(con, crosswalk),
        "run_mode": run.mode,
        "records_by_source": MetadataValue.md(_counts_table(con, crosswalk, "source")),
        "share_linked_across_systems": _cross_system_share(con),
    })
    health = stats["health"]
    yield MaterializeResult(asset_key=GOLDEN_PROFILES, metadata={
        "dagster/row_count": _count(con, golden),
        "merge_rate": float(health["merge_rate"]),
        "largest_cluster": int(health["largest_cluster"]),
        "review_queue": int(health["review_queue"]),
        "cluster_sizes": MetadataValue.md(_counts_table(con, golden, "member_count")),
        "source_system_combinations": MetadataValue.md(
            _counts_table(con, golden, "source_systems")),
        "largest_cluster_explained": MetadataValue.md(_explain_largest(con)),
        "golden_id_events": MetadataValue.json({k: int(v) for k, v in
                                                stats.get("id_events", {}).items()}),
        "survivorship": MetadataValue.md(_survivorship_table(settings)),
    })
    yield MaterializeResult(asset_key=MATCH_EDGES, metadata={
        "dagster/row_count": _count(con, edges),
        "edges_by_rule": MetadataValue.md(_counts_table(con, edges, "rule")),
        "match_probabilities": MetadataValue.md(_probability_histogram(con, edges)),
        "stats": MetadataValue.json({k: _plain(v) for k, v in stats.items()}),
        "seconds_by_stage": MetadataValue.md(_stage_table(stats)),
    })
    yield MaterializeResult(asset_key=REVIEW_QUEUE, metadata={
        "dagster/row_count": _count(con, review),
        "pairs_by_reason": MetadataValue.md(_counts_table(con, review, "reason")),
        "match_probabilities": MetadataValue.md(_probability_histogram(con, review)),
    })
    model = con.sql(f"select * from {SCHEMA}.match_model").df()
    prior = _stored_prior(con)
    yield MaterializeResult(asset_key=MATCH_MODEL, metadata={
        "dagster/row_count": len(model),
        "match_prior": prior,
        "match_weights": MetadataValue.md(_weights_table(model)),
    })


def _count(con, table: str) -> int:
    return int(con.execute(f"select count(*) from {table}").fetchall()[0][0])


def _cross_system_share(con) -> float:
    """Share of records whose golden id spans two or more source systems."""
    row = con.execute(f"""
        select coalesce(sum(member_count) filter (where source_systems like '%,%'), 0),
               coalesce(sum(member_count), 0)
        from {SCHEMA}.golden_profiles""").fetchall()[0]
    return round(float(row[0]) / float(row[1]), 4) if row[1] else 0.0


def _stored_prior(con) -> float:
    """The match prior of the model the last full run fitted (0 when matching is off)."""
    rows = con.execute(f"select model from {SCHEMA}.linkage_model").fetchall()
    return float(json.loads(rows[0][0])["prior"]) if rows else 0.0


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


def _counts_table(con, table: str, column: str, limit: int = 20) -> str:
    counts = con.execute(f"""
        select cast({column} as varchar) as value, count(*) as n from {table}
        group by all order by n desc, value limit {int(limit)}""").fetchall()
    if not counts:
        return "_empty_"
    lines = [f"| {column} | rows |", "| --- | ---: |"]
    lines += [f"| {value} | {count:,} |" for value, count in counts]
    return "\n".join(lines)


def _probability_histogram(con, table: str) -> str:
    """How many scored pairs fall in each probability band: the shape a steward checks."""
    scores = con.execute(f"select match_probability from {table} "
                         "where match_probability is not null").df()["match_probability"]
    if len(scores) == 0:
        return "_no scored pairs_"
    edges = (0.0, *PROBABILITY_BINS)
    bands = pd.cut(scores, bins=edges, include_lowest=True).value_counts(sort=False)
    lines = ["| match probability | pairs |", "| --- | ---: |"]
    lines += [f"| {band} | {count:,} |" for band, count in bands.items() if count]
    return "\n".join(lines)


def _explain_largest(con) -> str:
    """The largest cluster's members and link evidence (ids and levels, no values)."""
    rows = con.execute(f"select golden_id, member_count from {SCHEMA}.golden_profiles "
                       "order by member_count desc, golden_id limit 1").fetchall()
    if not rows or rows[0][1] < 2:
        return "_no cluster holds more than one record_"
    explanation = explain_in_warehouse(con, rows[0][0], SCHEMA)
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
