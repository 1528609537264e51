"""The storage bench replays hourly delete+insert rounds on copies of a warehouse: with
the vacuum at every checkpoint the deleted rows are gone each hour; deferred, they stay
until the day's last round compacts them. The warehouse itself is left as it was."""

from __future__ import annotations

import duckdb

from benchmarks.storage import bench_storage

TABLES = {"marts.facts": "fact_key", "marts.customers": "customer_key"}


def test_a_day_deferred_keeps_deleted_rows_until_the_compacting_round(tmp_path):
    warehouse = tmp_path / "cdp.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema marts")
        # two row groups each, so a vacuum has row groups to merge
        connection.execute("create table marts.facts as select 'f' || range as fact_key, "
                           "range % 7 as amount from range(250000)")
        connection.execute("create table marts.customers as select 'c' || range "
                           "as customer_key, range % 3 as segment from range(130000)")
    result = bench_storage(warehouse, tmp_path / "work", hours=3, tables=TABLES,
                           share_percent=5)
    every, deferred = result["vacuum_every_checkpoint"], result["vacuum_deferred"]
    for policy in (every, deferred):
        for table in TABLES:
            assert policy["tables_before"][table]["rows"] == \
                policy["tables_after"][table]["rows"]
        assert policy["day_checkpoint_seconds"] > 0
    facts = "marts.facts"
    # deferred: three rounds' deleted rows still stored before the compacting round
    assert deferred["tables_before_compaction"][facts]["deleted_rows_stored"] > \
        every["tables_before_compaction"][facts]["deleted_rows_stored"]
    assert deferred["tables_before_compaction"][facts]["row_groups"] > \
        deferred["tables_before"][facts]["row_groups"]
    assert deferred["tables_after"][facts]["deleted_rows_stored"] < \
        deferred["tables_before_compaction"][facts]["deleted_rows_stored"]
    assert result["day_checkpoint_ratio"] == round(
        deferred["day_checkpoint_seconds"] / every["day_checkpoint_seconds"], 3)
    # the next writer after a deferred round: DuckDB's default vacuum compacts what the
    # round left, at its close; cdpkit's writers leave it (a close is near instant)
    closes = result["next_writer_close"]
    on, off = (closes[policy]["tables_after"][facts]
               for policy in ("vacuum_on", "vacuum_deferred"))
    assert off["deleted_rows_stored"] > 0
    assert on["deleted_rows_stored"] < off["deleted_rows_stored"]
    assert on["rows"] == off["rows"] == 250000
    # the bench works on copies
    with duckdb.connect(str(warehouse)) as connection:
        assert connection.execute("select count(*) from marts.facts").fetchall() == [(250000,)]
        assert not list((tmp_path / "work" / "storage-bench").rglob("*.duckdb"))
