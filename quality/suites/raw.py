"""What the raw tables must hold before anything is built on them: keys present and
unique, the fields a record cannot do without, and addresses that look like email
addresses often enough (`mostly`: sources hold some typos; a collapse means a broken
extract)."""

from __future__ import annotations

import great_expectations as gx

from quality.suites.marts import EMAIL_PATTERN
from quality.suites.spec import SuiteSpec

MAILCHIMP_STATUSES = ["subscribed", "unsubscribed", "cleaned", "pending", "transactional",
                      "archived"]
# share of present emails that must look like one
EMAIL_VALIDITY = 0.9


def _keys(column: str) -> list:
    e = gx.expectations
    return [e.ExpectTableRowCountToBeBetween(min_value=1),
            e.ExpectColumnValuesToNotBeNull(column=column),
            e.ExpectColumnValuesToBeUnique(column=column)]


def shop_customers_suite() -> SuiteSpec:
    e = gx.expectations
    return SuiteSpec(
        name="raw_shop.customers", asset=("raw_shop", "customers"),
        query="select id, email, updated_at from raw_shop.customers",
        pii_columns=frozenset({"email"}),
        expectations=[
            *_keys("id"),
            e.ExpectColumnValuesToNotBeNull(column="updated_at"),
            e.ExpectColumnValuesToMatchRegex(column="email", regex=EMAIL_PATTERN,
                                             mostly=EMAIL_VALIDITY),
        ],
    )


def erp_partners_suite() -> SuiteSpec:
    e = gx.expectations
    return SuiteSpec(
        name="raw_erp.partners", asset=("raw_erp", "partners"),
        query="select id, name, email, write_date from raw_erp.partners",
        pii_columns=frozenset({"name", "email"}),
        expectations=[
            *_keys("id"),
            e.ExpectColumnValuesToNotBeNull(column="name"),
            e.ExpectColumnValuesToNotBeNull(column="write_date"),
            e.ExpectColumnValuesToMatchRegex(column="email", regex=EMAIL_PATTERN,
                                             mostly=EMAIL_VALIDITY),
        ],
    )


def email_members_suite() -> SuiteSpec:
    e = gx.expectations
    return SuiteSpec(
        name="raw_email.members", asset=("raw_email", "members"),
        query="select id, email_address, status from raw_email.members",
        pii_columns=frozenset({"email_address"}),
        expectations=[
            *_keys("id"),
            e.ExpectColumnValuesToNotBeNull(column="email_address"),
            e.ExpectColumnValuesToMatchRegex(column="email_address", regex=EMAIL_PATTERN,
                                             mostly=EMAIL_VALIDITY),
            e.ExpectColumnValuesToBeInSet(column="status", value_set=MAILCHIMP_STATUSES),
        ],
    )


RAW_SUITES = (shop_customers_suite, erp_partners_suite, email_members_suite)
