"""The identity step's promises: every crosswalk row points to a golden customer that
exists, each source record is in it once, and no golden customer is without members.
The query computes a flag per row where the promise spans two tables."""

from __future__ import annotations

import great_expectations as gx

from quality.suites.spec import SuiteSpec


def crosswalk_suite() -> SuiteSpec:
    e = gx.expectations
    return SuiteSpec(
        name="identity.crosswalk", asset=("identity", "crosswalk"),
        query="""
            select crosswalk.source, crosswalk.source_id, crosswalk.golden_id,
                   profiles.golden_id is not null as golden_id_is_live
            from identity.crosswalk as crosswalk
            left join identity.golden_profiles as profiles
                on profiles.golden_id = crosswalk.golden_id
        """,
        expectations=[
            e.ExpectTableRowCountToBeBetween(min_value=1),
            e.ExpectColumnValuesToNotBeNull(column="golden_id"),
            e.ExpectCompoundColumnsToBeUnique(column_list=["source", "source_id"]),
            e.ExpectColumnValuesToBeInSet(column="golden_id_is_live", value_set=[True]),
        ],
    )


def golden_profiles_suite() -> SuiteSpec:
    e = gx.expectations
    return SuiteSpec(
        name="identity.golden_profiles", asset=("identity", "golden_profiles"),
        # one row per profile row, not per golden id: grouped by golden id, a profile
        # stored twice would come out once and its uniqueness could never fail
        query="""
            select profiles.golden_id, coalesce(members.members, 0) as members
            from identity.golden_profiles as profiles
            left join (
                select golden_id, count(*) as members
                from identity.crosswalk
                group by golden_id
            ) as members
                on members.golden_id = profiles.golden_id
        """,
        expectations=[
            e.ExpectColumnValuesToBeUnique(column="golden_id"),
            e.ExpectColumnValuesToBeBetween(column="members", min_value=1),
        ],
    )


IDENTITY_SUITES = (crosswalk_suite, golden_profiles_suite)
