"""Great Expectations suites run as blocking Dagster asset checks, one per suite, on the
asset each guards: raw tables, identity's output and the marts. A failing suite stops
everything downstream; its metadata names the expectations that failed and counts the
rows, without a personal value (the columns dbt declares as personal are validated
with a result format that lists none). Every run publishes its results to the GX Data
Docs site under the state directory (`.cdpkit/gx/.../local_site/index.html`)."""

from __future__ import annotations

from collections.abc import Callable

from dagster import (
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    MetadataValue,
    asset_check,
)

from orchestration.resources import WarehouseResource
from orchestration.settings import state_dir
from orchestration.warehouse.project import dbt_project
from quality.pii.catalog import load_catalog
from quality.privacy.identifiers import load_salt
from quality.suites.identity import IDENTITY_SUITES
from quality.suites.marts import MART_SUITES
from quality.suites.privacy import privacy_suites
from quality.suites.raw import RAW_SUITES
from quality.suites.spec import SuiteSpec
from quality.validate import SuiteOutcome, data_docs_index, validate_dataframe


def suite_check(build: Callable[[], SuiteSpec]) -> AssetChecksDefinition:
    spec = build()
    schema, table = spec.name.split(".")

    @asset_check(asset=AssetKey(list(spec.asset)), blocking=True,
                 name=spec.check_name or f"gx_{table}_suite",
                 description=f"The Great Expectations suite for {spec.name}.")
    def _check(warehouse: WarehouseResource) -> AssetCheckResult:
        personal = frozenset(load_catalog(dbt_project.manifest_path).columns_of(schema, table))
        with warehouse.connect(read_only=True) as con:
            frame = spec.batch(con)
        docs = state_dir() / "gx"
        outcome = validate_dataframe(frame, spec, pii_columns=personal, docs_root=docs)
        failed = ", ".join(f"{o.expectation}({o.column or ''})" for o in outcome.failed)
        return AssetCheckResult(
            passed=outcome.success,
            severity=AssetCheckSeverity.ERROR,
            description=f"failed: {failed}" if failed else None,
            metadata={
                "rows_validated": outcome.rows,
                "expectations_passed": sum(o.success for o in outcome.outcomes),
                "expectations_failed": len(outcome.failed),
                "results": MetadataValue.md(outcome_table(outcome)),
                "data_docs": MetadataValue.path(str(data_docs_index(docs))),
            },
        )

    return _check


def outcome_table(outcome: SuiteOutcome) -> str:
    """A Markdown table a person reads in the Dagster UI; no personal values."""
    lines = ["| expectation | column | passed | unexpected | sample |",
             "| --- | --- | --- | ---: | --- |"]
    for o in outcome.outcomes:
        sample = ", ".join(o.unexpected_sample) or ""
        lines.append(f"| {o.expectation} | {o.column or ''} | {'yes' if o.success else 'NO'} "
                     f"| {o.unexpected_count:,} | {sample} |")
    return "\n".join(lines)


def _privacy_salt() -> bytes:
    """The suppression list's salt, read when a privacy suite runs (never at import)."""
    return load_salt(state_dir())


quality_checks = [suite_check(build) for build in (*RAW_SUITES, *IDENTITY_SUITES, *MART_SUITES,
                                                   *privacy_suites(_privacy_salt))]
