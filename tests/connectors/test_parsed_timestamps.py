"""ISO 8601 strings at declared paths become aware datetimes; anything else is left alone."""

from __future__ import annotations

import datetime as dt

from connectors.parsed_timestamps import EACH, TimestampsParsed

UTC = dt.UTC


def test_declared_paths_are_parsed_in_place():
    rows = [{"updatedAt": "2024-02-01T10:00:00Z", "consent": {"at": "2024-02-01T12:00:00+02:00"},
             "refunds": [{"createdAt": "2024-02-01T10:00:00.250Z"}, {"createdAt": None}],
             "note": "2024-02-01T10:00:00Z"}]
    step = TimestampsParsed(("updatedAt",), ("consent", "at"), ("refunds", EACH, "createdAt"))
    assert step(rows) is rows
    row = rows[0]
    assert row["updatedAt"] == dt.datetime(2024, 2, 1, 10, tzinfo=UTC)
    assert row["consent"]["at"] == dt.datetime(2024, 2, 1, 10, tzinfo=UTC)
    assert row["refunds"][0]["createdAt"] == dt.datetime(2024, 2, 1, 10, 0, 0, 250000, tzinfo=UTC)
    assert row["refunds"][1]["createdAt"] is None
    assert row["note"] == "2024-02-01T10:00:00Z", "only declared paths"


def test_values_that_are_not_aware_iso_timestamps_are_left_for_dlt():
    rows = [{"at": "yesterday"}, {"at": "2024-02-01 10:00:00"}, {"at": ""}, {"at": 5},
            {"other": 1}, {"at": {"nested": "2024-02-01T10:00:00Z"}}]
    before = [dict(r) for r in rows]
    TimestampsParsed(("at",), ("missing", "deeper"), ("at", EACH, "x"))(rows)
    assert rows == before


def test_a_single_row_item_is_parsed_too():
    row = {"at": "2024-02-01T10:00:00+00:00"}
    assert TimestampsParsed(("at",))(row)["at"] == dt.datetime(2024, 2, 1, 10, tzinfo=UTC)
