"""The dim_customers suite accepts a well-formed mart and names each broken promise."""

from __future__ import annotations

import pandas as pd
import pytest

from quality.suites.marts import dim_customers_suite
from quality.validate import validate_dataframe


def good_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "golden_id": ["cdp_0123456789abcdef", "cdp_fedcba9876543210"],
        "first_name": ["Ana", "Bo"],
        "last_name": ["Silva", "Berg"],
        "email": ["ana@example.com", None],
        "phone": ["+4915112345678", "+441632960961"],
        "street": ["Main St 1", None],
        "source_systems": ["shop", "email,shop"],
        "member_count": [1, 2],
        "order_count": [0, 3],
        "gross_revenue": [0.0, 120.5],
        "refunded_amount": [0.0, 20.0],
        "email_consent_status": ["subscribed", "unknown"],
    })


def test_a_well_formed_mart_passes_every_expectation():
    outcome = validate_dataframe(good_rows(), dim_customers_suite())
    assert outcome.success, outcome.failed
    assert outcome.rows == 2
    assert len(outcome.outcomes) == len(dim_customers_suite().expectations)


@pytest.mark.parametrize(
    ("column", "bad_value", "expectation"),
    [
        ("golden_id", "cdp_0123456789abcdef", "expect_column_values_to_be_unique"),
        ("phone", "0151 1234 5678", "expect_column_values_to_match_regex"),
        ("email_consent_status", "maybe", "expect_column_values_to_be_in_set"),
        ("refunded_amount", -5.0, "expect_column_values_to_be_between"),
    ],
)
def test_a_broken_value_fails_the_matching_expectation(column, bad_value, expectation):
    rows = good_rows()
    rows.loc[1, column] = bad_value
    outcome = validate_dataframe(rows, dim_customers_suite())
    assert not outcome.success
    failed = {(o.expectation, o.column) for o in outcome.failed}
    assert (expectation, column) in failed


def test_failing_personal_values_are_counted_but_never_echoed():
    rows = good_rows()
    rows.loc[0, "email"] = "ana.at.example.com"
    outcome = validate_dataframe(rows, dim_customers_suite())
    (email_failure,) = [o for o in outcome.failed if o.column == "email"]
    assert email_failure.unexpected_count == 1
    assert email_failure.unexpected_sample == ()


def test_non_personal_failures_show_a_sample():
    rows = good_rows()
    rows.loc[0, "email_consent_status"] = "maybe"
    outcome = validate_dataframe(rows, dim_customers_suite())
    (failure,) = [o for o in outcome.failed if o.column == "email_consent_status"]
    assert failure.unexpected_sample == ("maybe",)
