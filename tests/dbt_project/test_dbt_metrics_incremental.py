"""customer_metrics recomputes only the customers whose own figures can have changed,
and still equals a full rebuild.

At the same as-of time as its last build, a build computes orders, value, engagement
and channel from the facts for the customers whose interactions were loaded or
re-resolved since, or whose profile identity re-stamped, and reads everyone else's
from the table; scores and segments rank everyone again. Each case below changes one
customer through one of those doors only: Eve mentions the brand on X (an
interaction, nothing else), and identity splits Ben's X profile off (his recent
mention goes to the new customer, and only his re-stamped profile says he lost it).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dbt_harness import failures, invoke_dbt
from dbt_raw_world import build_raw_warehouse

AS_OF = {"CDP_METRICS_AS_OF": "2025-08-02 00:00:00"}
# a later day: Eve's and Ben's mentions fall out of the 90-day engagement window
LATER_DAY = {"CDP_METRICS_AS_OF": "2025-11-15 00:00:00"}
BRAND, BEN_X, EVE_X = "1000000000000000001", "2000000000000000002", "2000000000000000003"
FIRST_LOAD, LATER_LOAD = "'1754006400.5'", "'1754092800.5'"
# the metrics and what they read (the seed too), without the data and unit tests
BUILD = ["build", "--select", "+customer_metrics", "--exclude-resource-type", "test",
         "--exclude-resource-type", "unit_test"]


def mention(tweet_id: str, author: str, day: str, load: str) -> str:
    return (f"insert into raw_social.tweets values ('{tweet_id}', '@cdpkit_brand hello', "
            f"'{author}', '{tweet_id}', '{BRAND}', '{day}T10:00:00Z', 'en', {load}, "
            f"'t{tweet_id[-2:]}')")


# Ben mentions the brand a week before the as-of time: 3 engagement points, social
BEN_RECENT = mention("3000000000000000020", BEN_X, "2025-07-26", FIRST_LOAD)
LATER_CHANGES = f"""
    {mention("3000000000000000021", EVE_X, "2025-07-30", LATER_LOAD)};
    update identity.crosswalk set golden_id = 'gc-ben-x', resolved_at = '2025-07-01T00:00:00Z'
        where source = 'social' and source_id = '{BEN_X}';
    insert into identity.golden_profiles (golden_id, source_systems, member_count, resolved_at)
        values ('gc-ben-x', 'social', 1, '2025-07-01T00:00:00Z');
    update identity.golden_profiles set resolved_at = '2025-07-01T00:00:00Z',
        member_count = 2, source_systems = 'erp,shop' where golden_id = 'gc-ben';
"""


def run(work_dir: Path, warehouse: Path, *flags: str, clock: dict = AS_OF) -> None:
    result = invoke_dbt([*BUILD, *flags], work_dir=work_dir, warehouse=warehouse,
                        environment=clock)
    assert result.success, failures(result)


def metrics(warehouse: Path) -> dict[str, dict]:
    with duckdb.connect(str(warehouse)) as connection:
        cursor = connection.execute(
            "select * exclude (row_changed_at) from marts.customer_metrics order by golden_id")
        names = [column[0] for column in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    work_dir = tmp_path_factory.mktemp("dbt_metrics_incremental")
    warehouse = work_dir / "cdp.duckdb"
    build_raw_warehouse(str(warehouse))
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(BEN_RECENT)
    run(work_dir, warehouse)
    first = metrics(warehouse)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(LATER_CHANGES)
    run(work_dir, warehouse)
    compiled = (work_dir / "target" / "compiled" / "cdpkit" / "models" / "marts"
                / "customer_metrics.sql").read_text()
    incremental = metrics(warehouse)
    run(work_dir, warehouse, "--full-refresh")
    full = metrics(warehouse)
    run(work_dir, warehouse, clock=LATER_DAY)
    later_day = metrics(warehouse)
    run(work_dir, warehouse, "--full-refresh", clock=LATER_DAY)
    return {"first": first, "incremental": incremental, "full": full,
            "compiled_incremental": compiled, "later_day": later_day,
            "later_day_full": metrics(warehouse)}


def test_the_later_build_read_the_other_customers_figures_from_the_table(runs):
    assert "held_figures" in runs["compiled_incremental"]


def test_an_incremental_build_equals_a_full_rebuild(runs):
    assert runs["incremental"] == runs["full"]


def test_a_new_interaction_alone_moves_the_customers_engagement(runs):
    before, after = runs["first"]["gc-eve"], runs["incremental"]["gc-eve"]
    assert (before["engagement_score"], before["preferred_channel"]) == (0, None)
    assert after["engagement_score"] > 0 and after["preferred_channel"] == "social"


def test_a_customer_a_split_took_interactions_from_loses_them(runs):
    before, after = runs["first"]["gc-ben"], runs["incremental"]["gc-ben"]
    assert after["engagement_score"] < before["engagement_score"]
    assert runs["incremental"]["gc-ben-x"]["engagement_score"] > 0


def test_a_new_as_of_time_computes_every_customer_again(runs):
    assert runs["later_day"] == runs["later_day_full"]
    assert runs["later_day"]["gc-eve"]["engagement_score"] == 0
    assert {row["as_of_at"].isoformat() for row in runs["later_day"].values()} == {
        "2025-11-15T00:00:00"}
