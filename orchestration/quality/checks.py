"""Great Expectations suites run as blocking Dagster asset checks, one per suite, on the
asset each guards: raw tables, identity's output and the marts. A failing suite stops
everything downstream; its metadata names the expectations that failed and counts the
rows, without a personal value (the columns dbt declares as personal are validated
with a result format that lists none). Every run publishes its results to the GX Data
Docs site under the state directory (`.cdpkit/gx/.../local_site/index.html`).

A suite over a table whose rows carry the build's stamp validates the rows written
since its last passing validation, and every row once a day (quality/validation_scope.py);
its metadata says which, and the newest stamp it saw, which the next run reads back
from the instance's check history.

No `from __future__ import annotations`: Dagster reads the check's `context`
annotation as a class."""

from collections.abc import Callable
from datetime import UTC, datetime

from dagster import (
    AssetCheckEvaluation,
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetKey,
    DagsterInstance,
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
from quality.validation_scope import (
    PastValidation,
    ValidationScope,
    choose_scope,
    newest_stamp,
)


def suite_check(build: Callable[[], SuiteSpec]) -> AssetChecksDefinition:
    spec = build()
    schema, table = spec.name.split(".")
    name = spec.check_name or f"gx_{table}_suite"
    key = AssetCheckKey(AssetKey(list(spec.asset)), name)

    @asset_check(asset=key.asset_key, blocking=True, name=name,
                 description=f"The Great Expectations suite for {spec.name}.")
    def _check(context: AssetCheckExecutionContext,
               warehouse: WarehouseResource) -> AssetCheckResult:
        fingerprint = spec.fingerprint()
        scope = (choose_scope(past_validations(context.instance, key), fingerprint,
                              datetime.now(UTC))
                 if spec.row_stamp else ValidationScope(None, "the suite reads every row"))
        with warehouse.connect(read_only=True) as con:
            frame = spec.batch(con, scope.since)
        scoped = {"scope": scope.label, "scope_reason": scope.reason,
                  "suite_fingerprint": fingerprint}
        if spec.row_stamp:
            through = newest_stamp(frame[spec.row_stamp], scope.since)
            if through is not None:
                scoped["validated_through"] = through.isoformat()
        if scope.since is not None and frame.empty:
            context.log.info(f"{spec.name}: no row written since {scope.since}")
            return AssetCheckResult(passed=True, severity=AssetCheckSeverity.ERROR,
                                    metadata={"rows_validated": 0, **scoped})
        personal = frozenset(load_catalog(dbt_project.manifest_path).columns_of(schema, table))
        docs = state_dir() / "gx"
        outcome = validate_dataframe(frame, spec, pii_columns=personal, docs_root=docs)
        failed = ", ".join(f"{o.expectation}({o.column or ''})" for o in outcome.failed)
        return AssetCheckResult(
            passed=outcome.success,
            severity=AssetCheckSeverity.ERROR,
            description=f"failed: {failed}" if failed else None,
            metadata={
                "rows_validated": outcome.rows,
                **scoped,
                "expectations_passed": sum(o.success for o in outcome.outcomes),
                "expectations_failed": len(outcome.failed),
                "results": MetadataValue.md(outcome_table(outcome)),
                "data_docs": MetadataValue.path(str(data_docs_index(docs))),
            },
        )

    return _check


def past_validations(instance: DagsterInstance, key: AssetCheckKey,
                     limit: int = 200) -> list[PastValidation]:
    """The check's earlier evaluations the instance recorded, newest first (runs that
    planned it but never evaluated it are left out)."""
    history = []
    for record in instance.event_log_storage.get_asset_check_execution_history(key, limit=limit):
        evaluation = record.evaluation  # the planned event, until the check evaluates
        if not isinstance(evaluation, AssetCheckEvaluation) or record.event is None:
            continue
        metadata = {name: value.value for name, value in evaluation.metadata.items()}
        through = metadata.get("validated_through")
        history.append(PastValidation(
            at=datetime.fromtimestamp(record.event.timestamp, UTC),
            passed=bool(evaluation.passed), scope=metadata.get("scope"),
            validated_through=datetime.fromisoformat(through) if through else None,
            fingerprint=metadata.get("suite_fingerprint")))
    return history


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
