"""Checks guarding the identity tables before any mart reads them."""


from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, asset_check

from identity.health import graph_health, health_problems
from orchestration.identity.assets import CROSSWALK, GOLDEN_PROFILES, UNIFIED_TABLE
from orchestration.resources import WarehouseResource


@asset_check(asset=CROSSWALK, blocking=True,
             description="Every source record maps to exactly one existing golden profile.")
def crosswalk_is_complete_and_consistent(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        orphans, duplicates, unmapped = con.execute(f"""
            select
              (select count(*) from identity.crosswalk c
                 left join identity.golden_profiles g using (golden_id)
                 where g.golden_id is null),
              (select count(*) from (select source, source_id from identity.crosswalk
                 group by 1, 2 having count(*) > 1)),
              (select count(*) from {UNIFIED_TABLE} r
                 left join identity.crosswalk c
                   on c.source = r.source and c.source_id = r.source_id
                 where c.golden_id is null)
        """).fetchone()
    return AssetCheckResult(
        passed=orphans == 0 and duplicates == 0 and unmapped == 0,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "crosswalk_rows_without_golden_profile": orphans,
            "source_records_mapped_twice": duplicates,
            "source_records_unmapped": unmapped,
        },
    )


@asset_check(asset=GOLDEN_PROFILES, blocking=True,
             description="No cluster past the size of a family, and no sudden rise in the "
                         "share of records merged since the previous run: the signs of a junk "
                         "key or a chain of wrong links.")
def identity_graph_is_healthy(context: AssetCheckExecutionContext,
                              warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        golden = con.sql("select member_count from identity.golden_profiles").df()
        queue = con.sql("select 1 from identity.review_queue").df()
    current = graph_health(golden, queue)
    previous = _previous_health(context)
    problems = health_problems(current, previous)
    return AssetCheckResult(
        passed=not problems,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "problems": "; ".join(problems) or "none",
            "largest_cluster": current["largest_cluster"],
            "merge_rate": current["merge_rate"],
            "previous_merge_rate": previous["merge_rate"] if previous else "no previous run",
            "cluster_sizes": current["cluster_sizes"],
        },
    )


def _previous_health(context: AssetCheckExecutionContext) -> dict | None:
    """The merge rate the run before this one recorded, if any."""
    records = context.instance.fetch_materializations(GOLDEN_PROFILES, limit=2).records
    for record in records:
        if record.run_id == context.run.run_id:
            continue
        metadata = record.asset_materialization.metadata if record.asset_materialization else {}
        if "merge_rate" in metadata:
            return {"merge_rate": metadata["merge_rate"].value}
    return None


identity_checks = [crosswalk_is_complete_and_consistent, identity_graph_is_healthy]
