"""Run a declared suite on in-memory data with Great Expectations.

GX has no working SQL datasource for DuckDB 2, so DuckDB tables are validated
as pandas DataFrames read from the warehouse; the suite itself is engine
independent and a Postgres warehouse can use GX's SQL datasource instead.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from quality.suites.spec import SuiteSpec

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's verdict, safe to show: no personal values."""

    expectation: str
    column: str | None
    success: bool
    unexpected_count: int
    unexpected_sample: tuple[str, ...]


@dataclass(frozen=True)
class SuiteOutcome:
    suite: str
    rows: int
    outcomes: tuple[ExpectationOutcome, ...]

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def failed(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.success)


def validate_dataframe(df: pd.DataFrame, spec: SuiteSpec,
                       pii_columns: frozenset[str] = frozenset(),
                       docs_root: Path | None = None) -> SuiteOutcome:
    """Validate `df` against `spec`; with `docs_root`, also publish the results to the
    GX Data Docs site kept there (else nothing is written to disk).

    Expectations on personal-data columns (`spec.pii_columns` and `pii_columns`, e.g.
    those dbt declares) run with a result format that counts unexpected values but
    lists none, so no personal value reaches a result, a log, run metadata or the Data
    Docs; the others keep a few unexpected values as examples.
    """
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    personal = spec.pii_columns | pii_columns
    if docs_root is None:
        context = gx.get_context(mode="ephemeral")
    else:
        context = gx.get_context(mode="file", project_root_dir=str(docs_root))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_definition = _whole_dataframe(context, spec.name)
    groups = {
        "values_hidden": [e for e in spec.expectations if _column(e) in personal],
        "values_shown": [e for e in spec.expectations if _column(e) not in personal],
    }
    results = []
    for group, expectations in groups.items():
        if not expectations:
            continue
        name = f"{spec.name}:{group}"
        suite = context.suites.add_or_update(gx.ExpectationSuite(
            name=name, expectations=[e.copy() for e in expectations]))
        validation = context.validation_definitions.add_or_update(gx.ValidationDefinition(
            name=name, data=batch_definition, suite=suite))
        fmt = {"result_format": "SUMMARY",
               "partial_unexpected_count": 0 if group == "values_hidden" else 5}
        actions = [] if docs_root is None else [
            gx.checkpoint.UpdateDataDocsAction(name="update_data_docs")]
        checkpoint = context.checkpoints.add_or_update(gx.Checkpoint(
            name=name, validation_definitions=[validation], actions=actions,
            result_format=fmt))
        run = checkpoint.run(batch_parameters={"dataframe": df})
        for validation_result in run.run_results.values():
            results.extend(validation_result.results)
    outcomes = tuple(_outcome(r, personal) for r in _in_spec_order(results, spec))
    log.info("suite %s: %d/%d expectations passed", spec.name,
             sum(o.success for o in outcomes), len(outcomes))
    return SuiteOutcome(suite=spec.name, rows=len(df), outcomes=outcomes)


def data_docs_index(docs_root: Path) -> Path:
    """The Data Docs site's front page under `docs_root`."""
    return docs_root / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def _whole_dataframe(context, name: str):
    """The (saved, in a file context) batch definition that takes a whole DataFrame."""
    source = context.data_sources.add_or_update_pandas("cdpkit")
    try:
        asset = source.get_asset(name)
    except LookupError:
        asset = source.add_dataframe_asset(name)
    try:
        return asset.get_batch_definition("whole_table")
    except KeyError:
        return asset.add_batch_definition_whole_dataframe("whole_table")


def _column(expectation) -> str | None:
    return getattr(expectation, "column", None)


def _in_spec_order(results: list, spec: SuiteSpec) -> list:
    """Results in the order the suite declares its expectations."""
    def key(result) -> tuple[int, str]:
        config = result.expectation_config
        for index, expectation in enumerate(spec.expectations):
            if (expectation.expectation_type == config.type
                    and _column(expectation) == config.kwargs.get("column")):
                return index, ""
        return len(spec.expectations), config.type
    return sorted(results, key=key)


def _outcome(result, personal: frozenset[str]) -> ExpectationOutcome:
    config = result.expectation_config
    column = config.kwargs.get("column")
    details = result.result or {}
    sample: tuple[str, ...] = ()
    if column not in personal:
        sample = tuple(str(v) for v in (details.get("partial_unexpected_list") or [])[:5])
    return ExpectationOutcome(
        expectation=config.type,
        column=column,
        success=bool(result.success),
        unexpected_count=int(details.get("unexpected_count") or 0),
        unexpected_sample=sample,
    )
