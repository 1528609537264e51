"""Rows become typed Arrow only when they fit their declared columns; anything else stays rows."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from connectors.arrow_batches import (
    ArrowWhenFits,
    DoesNotFit,
    batched,
    to_arrow,
    with_row_ids,
)
from connectors.hints import columns

UTC = dt.UTC
PARTNER = columns(
    bigint=("id", "country_id"), text=("name", "country_id__name"), bool=("active",),
    double=("score",), timestamp=("write_date",), date=("birthday",),
)
USER = columns(text=("id",), bigint=("public_metrics__followers_count",
                                     "public_metrics__tweet_count"))


def odoo(rows):
    """Odoo's `country_id__name` keeps its double underscore under dlt's `direct` naming."""
    return to_arrow(rows, PARTNER, "direct")


def partner(i: int, **changes):
    row = {"id": i, "country_id": 5, "name": f"P{i}", "country_id__name": "UK",
           "active": True, "score": 2, "write_date": f"2024-02-01 10:00:0{i}",
           "birthday": "1990-01-31"}
    return {**row, **changes}


def test_declared_rows_become_typed_columns():
    table = odoo([partner(1), partner(2, score=2.5, active=None, birthday=None)])
    assert table.schema.names == list(PARTNER)
    assert table.schema.field("id").type == pa.int64()
    assert table.schema.field("score").type == pa.float64()
    assert table.schema.field("write_date").type == pa.timestamp("us", "UTC")
    assert table.column("score").to_pylist() == [2.0, 2.5], "an int in a double column is a double"
    assert table.column("active").to_pylist() == [True, None]
    assert table.column("write_date").to_pylist() == [
        dt.datetime(2024, 2, 1, 10, 0, second, tzinfo=UTC) for second in (1, 2)]
    assert table.column("birthday").to_pylist() == [dt.date(1990, 1, 31), None]


@pytest.mark.parametrize("stamps", [
    ["2024-02-01T10:00:00Z", "2024-02-01T10:00:00.250Z"],
    ["2024-02-01T12:00:00+02:00", "2024-02-01T10:00:00.250+00:00"],
])
def test_iso_timestamps_with_offsets_are_utc(stamps):
    table = odoo([partner(1, write_date=stamps[0]), partner(2, write_date=stamps[1])])
    assert table.column("write_date").to_pylist() == [
        dt.datetime(2024, 2, 1, 10, 0, 0, micros, tzinfo=UTC) for micros in (0, 250_000)]


def test_aware_datetimes_are_utc_and_naive_ones_refused():
    aware = dt.datetime(2024, 2, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    table = odoo([partner(1, write_date=aware)])
    assert table.column("write_date").to_pylist() == [dt.datetime(2024, 2, 1, 10, tzinfo=UTC)]
    with pytest.raises(DoesNotFit):
        odoo([partner(1, write_date=dt.datetime(2024, 2, 1, 12))])


def test_a_column_missing_from_every_row_is_all_null():
    rows = [{k: v for k, v in partner(i).items() if k != "name"} for i in range(3)]
    table = odoo(rows)
    assert table.column("name").to_pylist() == [None, None, None]
    assert table.schema.field("name").type == pa.string()


@pytest.mark.parametrize(("changes", "reason"), [
    ({"loyalty": "gold"}, "undeclared keys"),
    ({"id": 2.5}, "double values in a bigint"),
    ({"id": 3.0}, "double values in a bigint"),
    ({"score": True}, "bool values in a double"),
    ({"active": 1}, "int64 values in a bool"),
    ({"name": 7}, "int64 values in a text"),
    ({"id": 2**70}, "mixed or oversized"),
    ({"name": ["a", "b"]}, "list<item: string> values in a text"),
    ({"write_date": "yesterday"}, "not ISO 8601"),
    ({"birthday": "31/01/1990"}, "not a date"),
])
def test_what_does_not_fit_is_refused_with_a_reason(changes, reason):
    with pytest.raises(DoesNotFit, match=reason):
        odoo([partner(1, **changes), partner(2, **changes)])


@pytest.mark.parametrize("changes", [{"name": 7}, {"score": True}, {"id": 2.5}])
def test_one_row_of_another_type_refuses_the_batch(changes):
    with pytest.raises(DoesNotFit):
        odoo([partner(1), partner(2, **changes)])


def test_mixed_timestamp_styles_are_refused():
    rows = [partner(1), partner(2, write_date="2024-02-01T10:00:00Z")]
    with pytest.raises(DoesNotFit, match="not ISO 8601"):
        odoo(rows)


def test_nested_objects_are_flattened_as_dlt_would():
    rows = [{"id": "1", "public_metrics": {"followers_count": 3, "tweet_count": 9}},
            {"id": "2", "public_metrics": None}, {"id": "3"}]
    table = to_arrow(rows, USER)
    assert table.column("public_metrics__followers_count").to_pylist() == [3, None, None]
    assert table.column("public_metrics__tweet_count").to_pylist() == [9, None, None]


def test_keys_are_named_as_dlt_names_them_at_any_depth():
    money = columns(text=("id", "total_price_set__shop_money__amount"), timestamp=("updatedAt",))
    rows = [{"id": "o1", "updatedAt": "2024-02-01T10:00:00Z",
             "totalPriceSet": {"shopMoney": {"amount": "9.50"}}},
            {"id": "o2", "updatedAt": "2024-02-01T10:00:01Z", "totalPriceSet": None}]
    table = to_arrow(rows, money)
    assert table.schema.names == ["id", "total_price_set__shop_money__amount", "updated_at"]
    assert table.column("total_price_set__shop_money__amount").to_pylist() == ["9.50", None]


def test_a_key_with_only_nulls_is_left_out_as_dlt_leaves_it_out():
    table = to_arrow([{"id": "1", "retired_field": None, "public_metrics": None}], USER)
    assert table.schema.names == list(USER)


@pytest.mark.parametrize(("metrics", "reason"), [
    ({"followers_count": 3, "media_count": 1}, r"undeclared keys \['public_metrics__media"),
    ("3 followers", "public_metrics: mixed or oversized"),
])
def test_an_object_that_changed_is_refused(metrics, reason):
    rows = [{"id": "1", "public_metrics": {"followers_count": 3}},
            {"id": "2", "public_metrics": metrics}]
    with pytest.raises(DoesNotFit, match=reason):
        to_arrow(rows, USER)


def test_a_declared_type_without_an_arrow_mapping_leaves_the_batch_to_dlt():
    with pytest.raises(DoesNotFit, match="no Arrow mapping"):
        to_arrow([{"id": 1, "attrs": {"a": 1}}], columns(bigint=("id",), json=("attrs",)))


def test_step_passes_a_misfit_batch_on_as_rows():
    step = ArrowWhenFits(PARTNER, naming="direct")
    rows = [partner(1), partner(2, id=2.5)]
    assert step(rows) is rows
    assert (step.row_batches, step.last_reason) == (1, "id: double values in a bigint column")
    assert isinstance(step([partner(3)]), pa.Table)
    assert step([]) == [], "an empty page stays an empty page"


def test_step_prefers_hints_carried_by_the_item():
    class Meta:
        hints = {"columns": USER}

    table = ArrowWhenFits(PARTNER, naming="direct")([{"id": "9"}], Meta())
    assert table.schema.names == [*USER, "_dlt_id"]


def test_batched_joins_pages_and_ends_a_batch_when_told():
    pages = [[{"n": i} for i in range(j * 3, j * 3 + 3)] for j in range(5)]
    assert [len(b) for b in batched(pages, rows=7)] == [9, 6]
    assert [len(b) for b in batched(pages, rows=100, until=lambda p: p[-1]["n"] == 5)] == [6, 9]
    assert list(batched([], rows=5)) == []


def test_fields_are_as_nullable_as_their_hints():
    keyed = {"id": {"data_type": "text", "nullable": False}, **columns(text=("name",))}
    table = to_arrow([{"id": "1", "name": None}], keyed)
    assert (table.schema.field("id").nullable, table.schema.field("name").nullable) == (
        False, True)
    with pytest.raises(DoesNotFit, match="id: nulls in a column declared not nullable"):
        to_arrow([{"id": "1"}, {"id": None, "name": "x"}], keyed)


def test_numbers_sent_as_strings_are_cast_as_dlt_coerces_them():
    """GraphQL sends UnsignedInt64 (Shopify's numberOfOrders) as a string."""
    table = odoo([partner(1, id="7", score="2.5"), partner(2, id="8", score="3")])
    assert table.column("id").to_pylist() == [7, 8]
    assert table.column("score").to_pylist() == [2.5, 3.0]
    with pytest.raises(DoesNotFit, match="id: not a bigint"):
        odoo([partner(1, id="seven")])


def test_arrow_batches_carry_their_own_row_ids():
    """dlt would otherwise rewrite every extracted Parquet file to add them."""
    rows = [partner(i, write_date="2024-02-01 10:00:00") for i in range(5000)]
    table = ArrowWhenFits(PARTNER, naming="direct")(rows)
    ids = table.column("_dlt_id").to_pylist()
    assert len(set(ids)) == 5000 and all(len(i) == 16 for i in ids)
    assert not table.schema.field("_dlt_id").nullable
    assert with_row_ids(pa.table({"a": []})).column("_dlt_id").to_pylist() == []
