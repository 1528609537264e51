"""Kind declarations and the strict parsing of declared column types."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from connectors.files.coerce import coerce
from connectors.files.kinds import KindError, parse_kinds, resolve_kinds

KIND = parse_kinds({"kinds": {"t": {
    "patterns": ["t_*"], "primary_key": "id",
    "columns": {"id": "bigint", "x": "double", "b": "bool", "d": "date",
                "ts": "timestamp", "s": "text"},
}}})["t"]


@pytest.mark.parametrize(("column", "value", "parsed"), [
    ("id", " 42 ", 42), ("id", 42.0, 42), ("id", "-7", -7),
    ("x", "1.5e3", 1500.0), ("x", 3, 3.0),
    ("b", "Yes", True), ("b", "0", False), ("b", False, False),
    ("d", "2024-02-29", date(2024, 2, 29)), ("d", datetime(2024, 1, 2), date(2024, 1, 2)),
    ("ts", "2024-05-01T10:00:00Z", datetime(2024, 5, 1, 10, tzinfo=UTC)),
    ("ts", "2024-05-01 10:00:00", datetime(2024, 5, 1, 10, tzinfo=UTC)),
    ("s", 5551234, "5551234"),
])
def test_values_that_parse(column, value, parsed):
    row, reasons = coerce({"id": 1, column: value}, KIND)
    assert reasons == []
    assert row[column] == parsed


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("id", "12.5", "id: '12.5' is not an integer"),
    ("id", True, "id: True is a bool, not an integer"),
    ("x", "1_000", "x: '1_000' is not a number"),
    ("x", "nan", "x: 'nan' is not a finite number"),
    ("b", "maybe", "b: 'maybe' is not a bool (true/false, yes/no, 1/0)"),
    ("d", "2024-13-01", "d: '2024-13-01' is not a date (YYYY-MM-DD)"),
    ("ts", "yesterday", "ts: 'yesterday' is not a timestamp (ISO 8601)"),
    ("s", {"a": 1}, "s: {'a': 1} is a dict, not text"),
])
def test_values_that_do_not_parse_give_a_reason(column, value, reason):
    assert coerce({"id": 1, column: value}, KIND)[1] == [reason]


def test_a_primary_key_is_required_and_empty_is_missing():
    assert coerce({"id": "  ", "s": "x"}, KIND)[1] == ["id: required value missing"]


def test_declared_names_match_ignoring_case_and_extra_fields_are_kept():
    row, reasons = coerce({" ID ": "3", "Extra Field": "v", "empty": ""}, KIND)
    assert reasons == []
    assert row == {"id": 3, "Extra Field": "v", "empty": None}


@pytest.mark.parametrize(("spec", "message"), [
    ({"Bad Name": {"patterns": ["x"], "primary_key": "id", "columns": {"id": "text"}}},
     "lower-case snake_case"),
    ({"quarantine": {"patterns": ["x"], "primary_key": "id", "columns": {"id": "text"}}},
     "not quarantine or file_loads"),
    ({"k": {"patterns": ["x"], "primary_key": "id", "columns": {"id": "varchar"}}},
     "has type 'varchar'"),
    ({"k": {"patterns": ["x"], "primary_key": "key", "columns": {"id": "text"}}},
     "'key' is not a declared column"),
    ({"k": {"primary_key": "id", "columns": {"id": "text"}}}, "needs `patterns`"),
])
def test_declarations_that_cannot_be_used_say_why(spec, message):
    with pytest.raises(KindError, match=message):
        parse_kinds({"kinds": spec})


def test_declared_kinds_extend_and_override_the_builtins(tmp_path):
    path = tmp_path / "kinds.json"
    path.write_text('{"kinds": {"crm_contacts": {"patterns": ["people_*"], '
                    '"primary_key": "pid", "columns": {"pid": "text"}}}}')
    kinds = resolve_kinds(path, {"extra": {"patterns": ["e_*"], "primary_key": "id",
                                           "columns": {"id": "bigint"}}})
    assert set(kinds) == {"erp_partners", "crm_contacts", "extra"}
    assert kinds["crm_contacts"].primary_key == ("pid",)
    assert kinds["crm_contacts"].matches("PEOPLE_2024.csv")
    assert not kinds["crm_contacts"].matches("crm_contacts.csv")
