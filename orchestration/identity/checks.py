"""Checks guarding the identity tables before any mart reads them."""


from dagster import AssetCheckResult, AssetCheckSeverity, asset_check

from orchestration.identity.assets import CROSSWALK, UNIFIED_TABLE
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


identity_checks = [crosswalk_is_complete_and_consistent]
