"""Which rows a row-stamped suite validates: every row without a passing validation of
the same suite or a recent full one, else the rows stamped after the newest stamp the
last passing validation saw, also when later validations failed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pandas as pd
import pytest

from quality.suites.identity import crosswalk_suite
from quality.suites.marts import customer_consent_suite, dim_customers_suite
from quality.validation_scope import (
    CHANGED_ROWS,
    EVERY_ROW,
    PastValidation,
    choose_scope,
    newest_stamp,
)

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
SUITE = "f1"


def run(hours_ago: float, passed: bool, scope: str, through: str | None,
        fingerprint: str = SUITE) -> PastValidation:
    return PastValidation(at=NOW - timedelta(hours=hours_ago), passed=passed, scope=scope,
                          validated_through=datetime.fromisoformat(through) if through else None,
                          fingerprint=fingerprint)


def test_a_suite_never_passed_validates_every_row():
    assert choose_scope([], SUITE, NOW).since is None
    failed_only = [run(1, False, EVERY_ROW, "2026-12-07 10:00:00")]
    scope = choose_scope(failed_only, SUITE, NOW)
    assert scope.since is None and scope.label == EVERY_ROW
    assert "no passing validation" in scope.reason


def test_after_a_recent_full_pass_only_rows_written_since_are_validated():
    scope = choose_scope([run(1, True, EVERY_ROW, "2026-12-07 10:30:00")], SUITE, NOW)
    assert scope.since == datetime(2026, 12, 7, 10, 30)
    assert scope.label == CHANGED_ROWS


def test_the_watermark_moves_with_each_pass_and_not_with_a_failure():
    history = [  # newest first
        run(0.5, False, CHANGED_ROWS, "2026-12-07 11:20:00"),
        run(1.5, True, CHANGED_ROWS, "2026-12-07 10:20:00"),
        run(2.5, True, EVERY_ROW, "2026-12-07 09:20:00"),
    ]
    # the rows the failed run saw (after 10:20) are validated again
    assert choose_scope(history, SUITE, NOW).since == datetime(2026, 12, 7, 10, 20)


def test_every_row_again_once_the_last_full_pass_is_a_day_old():
    history = [run(1, True, CHANGED_ROWS, "2026-12-07 10:50:00"),
               run(24, True, EVERY_ROW, "2026-12-06 11:50:00")]
    scope = choose_scope(history, SUITE, NOW)
    assert scope.since is None and "24 h" in scope.reason
    assert choose_scope(history, SUITE, NOW, full_every=timedelta(hours=48)).since is not None


def test_a_failed_full_validation_is_repeated_until_one_passes():
    history = [run(0.5, False, EVERY_ROW, "2026-12-07 11:20:00"),
               run(1.5, True, CHANGED_ROWS, "2026-12-07 10:20:00"),
               run(25, True, EVERY_ROW, "2026-12-06 10:20:00")]
    assert choose_scope(history, SUITE, NOW).since is None


def test_a_changed_suite_validates_every_row_again():
    history = [run(1, True, EVERY_ROW, "2026-12-07 10:30:00", fingerprint="old")]
    assert choose_scope(history, SUITE, NOW).since is None


def test_the_next_watermark_is_the_newest_stamp_or_the_previous_one():
    stamps = pd.Series(pd.to_datetime(["2026-12-07 10:00:00.000000", "2026-12-07 11:00:00.000123"]))
    assert newest_stamp(stamps, None) == datetime(2026, 12, 7, 11, 0, 0, 123)
    since = datetime(2026, 12, 7, 9)
    assert newest_stamp(stamps.iloc[:0], since) == since
    assert newest_stamp(pd.Series(pd.to_datetime([None, None])), since) == since


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "cdp.duckdb"))
    con.execute("create schema marts")
    con.execute("""create table marts.customer_consent as
        select 'g' || i || ':email:marketing' as consent_key, 'email' as channel,
               'marketing' as purpose, 'subscribed' as consent_status, true as can_contact,
               timestamp '2026-12-07 10:00:00' + (i * interval 1 hour) as row_changed_at
        from range(4) t(i)""")
    yield con
    con.close()


def test_a_batch_since_a_stamp_holds_the_rows_stamped_after_it(con):
    spec = customer_consent_suite()
    assert len(spec.batch(con)) == 4
    narrowed = spec.batch(con, datetime(2026, 12, 7, 11))
    assert list(narrowed["consent_key"]) == ["g2:email:marketing", "g3:email:marketing"]


def test_a_suite_without_a_row_stamp_cannot_be_narrowed(con):
    with pytest.raises(ValueError, match="no row stamp"):
        crosswalk_suite().batch(con, datetime(2026, 12, 7))


def test_the_fingerprint_follows_the_expectations():
    assert dim_customers_suite().fingerprint() == dim_customers_suite().fingerprint()
    assert dim_customers_suite().fingerprint() != customer_consent_suite().fingerprint()
    changed = dim_customers_suite()
    changed.expectations[-1] = type(changed.expectations[-1])(column="golden_id")
    assert changed.fingerprint() != dim_customers_suite().fingerprint()
