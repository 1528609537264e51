"""On a `dbt build`, the data tests of the staging views over the raw tables check the
rows of the dlt loads since the last build whose tests passed: a bad row a new load
brings is caught, an old row they checked before is not read again, rows whose tests
failed are tested again, and `dbt test` on its own checks every row. A `unique` test
of a model over an append-only table (meta `unique_tests: whole`) reads every row.
The same narrowing runs on PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import psycopg2
import pytest
from dbt_harness import PROJECT_DIR, invoke_dbt
from dbt_raw_world import LOAD, build_raw_postgres, build_raw_warehouse, member_id

from tests.postgres import POSTGRES as SERVER
from tests.postgres import scratch_postgres_database

SELECT = ["--select", "tag:pre_identity", "--exclude-resource-type", "unit_test"]
#: a later dlt load (fewer decimals than LOAD: load ids compare as text all the same)
LATER_LOAD = "'1732449645.5'"

# rows planted in the load the first build tested: a scoped build does not read them
OLD_BAD_ROWS = [
    "insert into raw_erp.sale_orders (id, name, partner_id, state, currency_id__name,"
    f" _dlt_load_id, _dlt_id) values (599, 'S00599', 10, 'bogus', 'EUR', {LOAD}, 'so9')",
    "insert into raw_shop.orders__line_items (id, order_id, position, _dlt_load_id, _dlt_id)"
    f" values ('gid://shopify/LineItem/9', 'gid://shopify/Order/5999', 0, {LOAD}, 'l9')",
]
# a later load: a member in a status Mailchimp does not have, and a new line of an
# order the first load brought (its parent is looked up among every order)
NEW_BAD_MEMBER = (
    "insert into raw_email.members (id, email_address, status, list_id, last_changed,"
    f" _dlt_load_id, _dlt_id) values ('{member_id('new@example.com')}', 'new@example.com',"
    f" 'bogus', 'a1b2c3d4e5', '2025-07-01T08:00:00+00:00', {LATER_LOAD}, 'm9')"
)
NEW_LINE_OF_OLD_ORDER = (
    "insert into raw_shop.orders__line_items (id, order_id, position, _dlt_load_id, _dlt_id)"
    f" values ('gid://shopify/LineItem/8', 'gid://shopify/Order/5003', 1, {LATER_LOAD}, 'l8')"
)
# X users taken as append-only in the project copy: a user loaded again is a duplicate
DUPLICATE_USER = (
    "insert into raw_social.users (id, name, username, created_at, _dlt_load_id, _dlt_id)"
    f" values ('2000000000000000003', 'Eve', 'eve_x', '2022-05-01T00:00:00Z',"
    f" {LATER_LOAD}, 'x9')"
)
FIXES = [
    "update raw_email.members set status = 'subscribed' where _dlt_id = 'm9'",
    "delete from raw_social.users where _dlt_id = 'x9'",
]

MEMBER_STATUS = "accepted_values_stg_email__members_member_status"
ORDER_STATE = "accepted_values_stg_erp__sale_orders_state"
LINE_ORDER = "relationships_stg_shop__order_lines_order_id"
USER_UNIQUE = "unique_stg_social__users_user_id"
TWEET_UNIQUE = "unique_stg_social__tweets_tweet_id"
SCOPE = "dbt_load_scope"


def data_tests_of(result) -> dict[str, tuple[str, str]]:
    """Each data test's status and compiled SQL, by test name."""
    return {row.node.name: (str(row.status), row.node.compiled_code or "")
            for row in result.result.results if row.node.resource_type == "test"}


def named(tests: dict[str, tuple[str, str]], prefix: str) -> tuple[str, str]:
    [name] = [name for name in tests if name.startswith(prefix)]
    return tests[name]


def append_only_users_project(root: Path) -> Path:
    """A copy of the project in which stg_social__users reads an append-only table."""
    copy = root / "dbt_project"
    shutil.copytree(PROJECT_DIR, copy, ignore=shutil.ignore_patterns("target", "logs"))
    models = copy / "models" / "staging" / "social" / "_social__models.yml"
    text = models.read_text()
    model = "  - name: stg_social__users\n"
    assert text.count(model) == 1
    models.write_text(text.replace(
        model, model + "    config:\n      meta: {unique_tests: whole}\n"))
    return copy


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    work_dir = tmp_path_factory.mktemp("dbt_staging_tests_scoped")
    project = append_only_users_project(work_dir)
    warehouse = work_dir / "cdp.duckdb"
    build_raw_warehouse(str(warehouse))

    def build(command: str = "build") -> tuple[bool, dict]:
        result = invoke_dbt([command, *SELECT], work_dir=work_dir, warehouse=warehouse,
                            project_dir=project)
        assert result.exception is None, result.exception
        return result.success, data_tests_of(result)

    def execute(*statements: str) -> None:
        with duckdb.connect(str(warehouse)) as connection:
            for statement in statements:
                connection.execute(statement)

    seen = {"first": build()}
    execute(*OLD_BAD_ROWS, NEW_BAD_MEMBER, NEW_LINE_OF_OLD_ORDER, DUPLICATE_USER)
    seen["later"] = build()
    seen["again"] = build()
    execute(*FIXES)
    seen["fixed"] = build()
    seen["nothing_new"] = build()
    with duckdb.connect(str(warehouse)) as connection:
        seen["log"] = connection.execute(
            "select covered_load_id, tests_passed from dbt_meta.load_scoped_builds"
            " where model = 'stg_email__members' order by recorded_at").fetchall()
    seen["test_alone"] = build("test")
    return seen


def test_the_first_build_tests_every_row_and_passes(runs):
    success, tests = runs["first"]
    assert success
    assert all(status == "pass" for status, _ in tests.values())
    assert not any(SCOPE in sql for _, sql in tests.values())


def test_a_bad_row_a_new_load_brings_fails_the_build(runs):
    success, tests = runs["later"]
    assert not success
    status, sql = named(tests, MEMBER_STATUS)
    assert status == "fail"
    assert SCOPE in sql and f"dlt_load_id > {LOAD}" in sql


def test_rows_of_an_already_tested_load_are_not_read_again(runs):
    _, tests = runs["later"]
    assert named(tests, ORDER_STATE)[0] == "pass"
    # the old orphan line is not read; the new line finds its order in the old load
    status, sql = named(tests, LINE_ORDER)
    assert status == "pass"
    assert SCOPE in sql


def test_rows_whose_tests_failed_are_tested_again_until_a_build_passes(runs):
    assert named(runs["again"][1], MEMBER_STATUS)[0] == "fail"
    assert runs["fixed"][0]
    assert named(runs["fixed"][1], MEMBER_STATUS)[0] == "pass"
    assert f"dlt_load_id > {LOAD}" in named(runs["fixed"][1], MEMBER_STATUS)[1]
    # after a passed build, the tests start after the later load
    assert (f"dlt_load_id > {LATER_LOAD}"
            in named(runs["nothing_new"][1], MEMBER_STATUS)[1])
    assert runs["log"] == [
        (LOAD.strip("'"), True),         # the first build
        (LATER_LOAD.strip("'"), False),  # the bogus status
        (LATER_LOAD.strip("'"), False),  # tested again, still bogus
        (LATER_LOAD.strip("'"), True),   # fixed
        (LATER_LOAD.strip("'"), True),   # nothing new
    ]


def test_unique_over_an_append_only_table_reads_every_row(runs):
    status, sql = named(runs["later"][1], USER_UNIQUE)
    assert status == "fail"
    assert SCOPE not in sql
    # a merged table keeps one row per key: its unique test reads the new loads only
    assert SCOPE in named(runs["later"][1], TWEET_UNIQUE)[1]


def test_dbt_test_on_its_own_checks_every_row(runs):
    success, tests = runs["test_alone"]
    assert not success
    assert named(tests, ORDER_STATE)[0] == "fail"
    assert named(tests, LINE_ORDER)[0] == "fail"
    assert not any(SCOPE in sql for _, sql in tests.values())


@pytest.fixture(scope="module")
def postgres_runs(tmp_path_factory) -> Iterator[dict]:
    with scratch_postgres_database("cdpkit_dbt_scoped") as name:
        database = {**SERVER, "dbname": name}
        with psycopg2.connect(**database) as connection:
            build_raw_postgres(connection)
        work_dir = tmp_path_factory.mktemp("dbt_staging_tests_scoped_postgres")

        def build(command: str = "build") -> tuple[bool, dict]:
            result = invoke_dbt([command, "--target", "postgres", *SELECT],
                                work_dir=work_dir, environment={"CDP_PG_DB": name})
            assert result.exception is None, result.exception
            return result.success, data_tests_of(result)

        seen = {"first": build()}
        with psycopg2.connect(**database) as connection, connection.cursor() as cursor:
            for statement in (*OLD_BAD_ROWS, NEW_BAD_MEMBER, NEW_LINE_OF_OLD_ORDER):
                cursor.execute(statement)
        seen["later"] = build()
        seen["test_alone"] = build("test")
        yield seen


def test_the_tests_are_scoped_the_same_way_on_postgres(postgres_runs):
    assert postgres_runs["first"][0]
    success, tests = postgres_runs["later"]
    assert not success
    assert named(tests, MEMBER_STATUS)[0] == "fail"
    assert named(tests, ORDER_STATE)[0] == "pass"
    assert named(tests, LINE_ORDER)[0] == "pass"
    assert SCOPE in named(tests, MEMBER_STATUS)[1]
    _, alone = postgres_runs["test_alone"]
    assert named(alone, ORDER_STATE)[0] == "fail"
