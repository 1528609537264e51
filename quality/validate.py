"""Run a declared suite on in-memory data with Great Expectations.

GX has no working SQL datasource for DuckDB 2, so DuckDB tables are validated
as pandas DataFrames read from the warehouse; the suite itself is engine
independent and a Postgres warehouse can use GX's SQL datasource instead.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

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


def validate_dataframe(df: pd.DataFrame, spec: SuiteSpec) -> SuiteOutcome:
    """Validate `df` against `spec` in an ephemeral GX context (nothing written to disk)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_definition = (
        context.data_sources.add_pandas(f"cdp_{spec.name}")
        .add_dataframe_asset(spec.name)
        .add_batch_definition_whole_dataframe("whole_table")
    )
    suite = context.suites.add(gx.ExpectationSuite(name=spec.name))
    for expectation in spec.expectations:
        suite.add_expectation(expectation.copy())
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=spec.name, data=batch_definition, suite=suite)
    )
    result = validation.run(batch_parameters={"dataframe": df})
    outcomes = tuple(_outcome(r, spec) for r in result.results)
    log.info("suite %s: %d/%d expectations passed", spec.name,
             sum(o.success for o in outcomes), len(outcomes))
    return SuiteOutcome(suite=spec.name, rows=len(df), outcomes=outcomes)


def _outcome(result, spec: SuiteSpec) -> ExpectationOutcome:
    config = result.expectation_config
    column = config.kwargs.get("column")
    details = result.result or {}
    sample: tuple[str, ...] = ()
    if column not in spec.pii_columns:
        sample = tuple(str(v) for v in (details.get("partial_unexpected_list") or [])[:5])
    return ExpectationOutcome(
        expectation=config.type,
        column=column,
        success=bool(result.success),
        unexpected_count=int(details.get("unexpected_count") or 0),
        unexpected_sample=sample,
    )
