"""A sync's figures per table: received, new, updated, deleted at the source."""

from __future__ import annotations

import dlt

from orchestration.sources.sync_changes import changes, row_counts


def test_new_rows_and_updates_are_told_apart_and_deletions_counted(tmp_path):
    pipeline = dlt.pipeline("changes_test", destination=dlt.destinations.duckdb(
        str(tmp_path / "w.duckdb")), dataset_name="raw_test", pipelines_dir=str(tmp_path))

    def load(customers, deleted):
        @dlt.resource(name="customers", primary_key="id", write_disposition="merge")
        def customers_resource():
            yield customers

        @dlt.resource(name="deletions", write_disposition="append")
        def deletions_resource():
            yield [{"stream": "customers", "id": i} for i in deleted]

        before = row_counts(pipeline, ["customers"])
        pipeline.run([customers_resource(), deletions_resource()])
        return changes(pipeline, before, "customers",
                       row_counts(pipeline, ["customers"])["customers"])

    first = load([{"id": 1, "n": "a"}, {"id": 2, "n": "b"}, {"id": 3, "n": "c"}], [])
    assert first == {"rows_received": 3, "rows_new": 3, "rows_updated": 0,
                     "records_deleted_at_source": 0}
    second = load([{"id": 2, "n": "B"}, {"id": 4, "n": "d"}], [3])
    assert second == {"rows_received": 2, "rows_new": 1, "rows_updated": 1,
                      "records_deleted_at_source": 1}
