"""The personal-data inventory of the warehouse and the gates on it.

`governance/pii_inventory` samples every text column after the warehouse is built
and records where personal data was found and what dbt declares there (GDPR Art.
30 asks a controller to know). Two blocking checks guard it: personal data in a
column nobody declared, and any personal data in the `bi` schema, which a BI tool
is given on its own; the latter also runs on each `bi` view, so nothing downstream
of a leaking view runs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
    multi_asset_check,
)

from orchestration.groups import GOVERNANCE, OWNERS
from orchestration.resources import WarehouseResource
from orchestration.warehouse.project import dbt_project
from quality.pii.catalog import load_catalog
from quality.pii.inventory import findings_table, read_violations, write_inventory
from quality.pii.scan import MASKED_SCHEMAS, UNMASKED, UNTAGGED, scan_warehouse

PII_INVENTORY = AssetKey(["governance", "pii_inventory"])
# the last thing the warehouse build writes
WAREHOUSE_BUILT = AssetKey(["snapshots", "dim_customers_history"])


def bi_asset_keys() -> list[AssetKey]:
    """The dbt models of the masked schemas, as Dagster sees them."""
    import json

    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    return sorted(AssetKey([node["schema"], node["name"]]) for node in manifest["nodes"].values()
                  if node["resource_type"] == "model" and node["schema"] in MASKED_SCHEMAS)


@asset(key=PII_INVENTORY, deps=[WAREHOUSE_BUILT], group_name=GOVERNANCE, owners=OWNERS[GOVERNANCE],
       kinds={"python", "duckdb"},
       description="Where the warehouse holds personal data, found by sampling every "
                   "text column, beside what dbt declares (`meta: {pii: ...}`).")
def pii_inventory(warehouse: WarehouseResource) -> MaterializeResult:
    catalog = load_catalog(dbt_project.manifest_path)
    with warehouse.connect() as con:
        report = scan_warehouse(con, catalog)
        write_inventory(con, report)
    kinds = Counter(kind for finding in report.findings for kind in finding.kinds)
    return MaterializeResult(metadata={
        "tables_scanned": report.tables,
        "text_columns_scanned": report.columns,
        "columns_with_personal_data": len(report.findings),
        "undeclared_columns": sum(f.violation == UNTAGGED for f in report.findings),
        "columns_in_bi": sum(f.violation == UNMASKED for f in report.findings),
        "kinds": MetadataValue.md("\n".join(
            ["| kind | columns |", "| --- | ---: |",
             *(f"| {kind} | {n} |" for kind, n in sorted(kinds.items()))])),
        "findings": MetadataValue.md(findings_table(report.findings)),
    })


def _gate(warehouse: WarehouseResource, violation: str, what: str) -> AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        found = read_violations(con, violation)
    return AssetCheckResult(
        passed=not found, severity=AssetCheckSeverity.ERROR,
        description=f"{len(found)} column(s) {what}" if found else None,
        metadata={"columns": len(found), "where": MetadataValue.md(findings_table(found))},
    )


@asset_check(asset=PII_INVENTORY, blocking=True,
             description="Every column holding personal data declares it in dbt "
                         "(`meta: {pii: <kind>}`), so erasure and masking know about it.")
def personal_data_is_declared(warehouse: WarehouseResource) -> AssetCheckResult:
    return _gate(warehouse, UNTAGGED, "hold personal data nobody declared")


@asset_check(asset=PII_INVENTORY, blocking=True,
             description="The bi schema, given to BI tools on its own, holds no personal data.")
def bi_schema_holds_no_personal_data(warehouse: WarehouseResource) -> AssetCheckResult:
    return _gate(warehouse, UNMASKED, "in the bi schema hold personal data")


def bi_view_checks():
    """One blocking check per bi view: a view that leaks stops what reads it."""
    keys = bi_asset_keys()
    specs = [AssetCheckSpec("holds_no_personal_data", asset=key, blocking=True,
                            description="A sample of the view holds no email, phone, "
                                        "street or IP address.")
             for key in keys]

    @multi_asset_check(specs=specs, name="bi_views_hold_no_personal_data")
    def bi_views_hold_no_personal_data(warehouse: WarehouseResource
                                       ) -> Iterator[AssetCheckResult]:
        catalog = load_catalog(dbt_project.manifest_path)
        with warehouse.connect(read_only=True) as con:
            report = scan_warehouse(con, catalog, schemas=list(MASKED_SCHEMAS))
        for key in keys:
            schema, table = key.path[0], key.path[-1]
            found = [f for f in report.findings if (f.schema, f.table) == (schema, table)]
            yield AssetCheckResult(
                asset_key=key, check_name="holds_no_personal_data", passed=not found,
                severity=AssetCheckSeverity.ERROR,
                description=(f"{len(found)} column(s) hold personal data" if found else None),
                metadata={"columns": len(found),
                          "where": MetadataValue.md(findings_table(found))},
            )

    return bi_views_hold_no_personal_data


governance_assets = [pii_inventory]
governance_checks = [personal_data_is_declared, bi_schema_holds_no_personal_data, bi_view_checks()]
