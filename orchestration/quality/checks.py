"""Great Expectations suites run as blocking Dagster asset checks."""


from dagster import AssetCheckResult, AssetCheckSeverity, AssetKey, MetadataValue, asset_check

from orchestration.resources import WarehouseResource
from quality.suites.marts import dim_customers_suite
from quality.validate import SuiteOutcome, validate_dataframe

DIM_CUSTOMERS = AssetKey(["marts", "dim_customers"])


@asset_check(asset=DIM_CUSTOMERS, blocking=True, name="gx_dim_customers_suite",
             description="The Great Expectations suite for the BI-facing customer dimension.")
def gx_dim_customers_suite(warehouse: WarehouseResource) -> AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        frame = con.execute("select * from marts.dim_customers").df()
    outcome = validate_dataframe(frame, dim_customers_suite())
    return AssetCheckResult(
        passed=outcome.success,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "rows_validated": outcome.rows,
            "expectations_passed": sum(o.success for o in outcome.outcomes),
            "expectations_failed": len(outcome.failed),
            "results": MetadataValue.md(outcome_table(outcome)),
        },
    )


def outcome_table(outcome: SuiteOutcome) -> str:
    """A Markdown table a person reads in the Dagster UI; no personal values."""
    lines = ["| expectation | column | passed | unexpected | sample |",
             "| --- | --- | --- | ---: | --- |"]
    for o in outcome.outcomes:
        sample = ", ".join(o.unexpected_sample) or ""
        lines.append(f"| {o.expectation} | {o.column or ''} | {'yes' if o.success else 'NO'} "
                     f"| {o.unexpected_count:,} | {sample} |")
    return "\n".join(lines)


quality_checks = [gx_dim_customers_suite]
