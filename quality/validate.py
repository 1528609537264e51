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


def validate_dataframe(df: pd.DataFrame, spec: SuiteSpec,
                       pii_columns: frozenset[str] = frozenset()) -> SuiteOutcome:
    """Validate `df` against `spec` in an ephemeral GX context (nothing written to disk).

    Expectations on personal-data columns (`spec.pii_columns` and `pii_columns`, e.g.
    those dbt declares) run with a result format that counts unexpected values but
    lists none, so no personal value reaches a result, a log or run metadata; the
    others keep a few unexpected values as examples.
    """
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    personal = spec.pii_columns | pii_columns
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_definition = (
        context.data_sources.add_pandas(f"cdp_{spec.name}")
        .add_dataframe_asset(spec.name)
        .add_batch_definition_whole_dataframe("whole_table")
    )
    groups = {
        "values_hidden": [e for e in spec.expectations if _column(e) in personal],
        "values_shown": [e for e in spec.expectations if _column(e) not in personal],
    }
    results = {}
    for group, expectations in groups.items():
        if not expectations:
            continue
        suite = context.suites.add(gx.ExpectationSuite(name=f"{spec.name}:{group}"))
        for expectation in expectations:
            suite.add_expectation(expectation.copy())
        validation = context.validation_definitions.add(gx.ValidationDefinition(
            name=f"{spec.name}:{group}", data=batch_definition, suite=suite))
        fmt = {"result_format": "SUMMARY",
               "partial_unexpected_count": 0 if group == "values_hidden" else 5}
        for result in validation.run(batch_parameters={"dataframe": df},
                                     result_format=fmt).results:
            results[id(result)] = result
    ordered = _in_spec_order(list(results.values()), spec)
    outcomes = tuple(_outcome(r, personal) for r in ordered)
    log.info("suite %s: %d/%d expectations passed", spec.name,
             sum(o.success for o in outcomes), len(outcomes))
    return SuiteOutcome(suite=spec.name, rows=len(df), outcomes=outcomes)


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
