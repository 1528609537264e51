"""The contract BI tools rely on for `marts.dim_customers`.

Each expectation states a promise the mart makes to its readers. Columns that
hold personal data are flagged so that failing values are counted in reports
but never echoed into run metadata.
"""

from __future__ import annotations

import great_expectations as gx

from quality.suites.spec import SuiteSpec

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
E164_PATTERN = r"^\+[1-9][0-9]{6,14}$"
CONSENT_STATUSES = [
    "subscribed",
    "unsubscribed",
    "pending",
    "cleaned",
    "not_subscribed",
    "unknown",
]
SOURCE_SYSTEMS = ["shop", "erp", "email", "social"]


def dim_customers_suite() -> SuiteSpec:
    """One row per golden customer, contactable data well formed, figures sane."""
    e = gx.expectations
    return SuiteSpec(
        name="marts.dim_customers", asset=("marts", "dim_customers"),
        query="""select golden_id, email, phone, source_systems, member_count, order_count,
                        gross_revenue, refunded_amount, email_consent_status, row_changed_at
                 from marts.dim_customers""",
        row_stamp="row_changed_at",
        pii_columns=frozenset({"email", "phone", "street", "first_name", "last_name"}),
        expectations=[
            e.ExpectTableRowCountToBeBetween(min_value=1),
            e.ExpectColumnValuesToNotBeNull(column="golden_id"),
            e.ExpectColumnValuesToBeUnique(column="golden_id"),
            e.ExpectColumnValuesToMatchRegex(column="golden_id", regex=r"^cdp_[0-9a-f]{16}$"),
            e.ExpectColumnValuesToMatchRegex(column="email", regex=EMAIL_PATTERN),
            e.ExpectColumnValuesToMatchRegex(column="phone", regex=E164_PATTERN),
            e.ExpectColumnValuesToNotBeNull(column="source_systems"),
            e.ExpectColumnValuesToBeBetween(column="member_count", min_value=1),
            e.ExpectColumnValuesToBeBetween(column="order_count", min_value=0),
            e.ExpectColumnValuesToBeBetween(column="gross_revenue", min_value=0),
            e.ExpectColumnValuesToBeBetween(column="refunded_amount", min_value=0),
            e.ExpectColumnValuesToBeInSet(
                column="email_consent_status", value_set=CONSENT_STATUSES
            ),
            e.ExpectColumnValuesToNotBeNull(column="email_consent_status"),
        ],
    )


CHANNELS = ["email", "sms"]


def customer_consent_suite() -> SuiteSpec:
    """Consent values in their domain, and contactable exactly when subscribed."""
    e = gx.expectations
    return SuiteSpec(
        name="marts.customer_consent", asset=("marts", "customer_consent"),
        query="""select consent_key, channel, purpose, consent_status,
                        can_contact = (consent_status = 'subscribed') as contact_follows_status,
                        row_changed_at
                 from marts.customer_consent""",
        row_stamp="row_changed_at",
        expectations=[
            e.ExpectColumnValuesToBeUnique(column="consent_key"),
            e.ExpectColumnValuesToBeInSet(column="channel", value_set=CHANNELS),
            e.ExpectColumnValuesToBeInSet(column="purpose", value_set=["marketing"]),
            e.ExpectColumnValuesToBeInSet(column="consent_status", value_set=CONSENT_STATUSES),
            e.ExpectColumnValuesToBeInSet(column="contact_follows_status", value_set=[True]),
        ],
    )


MART_SUITES = (dim_customers_suite, customer_consent_suite)
