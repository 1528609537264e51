"""Freshness of the raw tables: a source that stopped loading shows within hours.

Each API source's tables carry a Dagster `FreshnessPolicy`: a warning when a table was
last loaded more than `CDP_SOURCE_FRESHNESS_HOURS` ago (default 2: the hourly schedule
and one missed run), a failure after three times that. The Dagster daemon evaluates
the policies (`freshness: enabled` in the instance's dagster.yaml) and the UI shows
each table's freshness; `cdpkit status` applies the same windows to the last loads.
File drops come when they come: they have no policy.
"""

from __future__ import annotations

import os
from datetime import timedelta

from dagster import FreshnessPolicy


def warn_window() -> timedelta:
    return timedelta(hours=float(os.environ.get("CDP_SOURCE_FRESHNESS_HOURS", "2")))


def fail_window() -> timedelta:
    return 3 * warn_window()


def source_freshness_policy() -> FreshnessPolicy:
    return FreshnessPolicy.time_window(fail_window=fail_window(), warn_window=warn_window())
