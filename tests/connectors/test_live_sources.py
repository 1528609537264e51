"""The same connectors against the real vendors, when their credentials are set.

Skipped unless a source's variables (README, "Pointing cdpkit at real
sources") are set and point away from loopback: the simulators answer on
127.0.0.1, the vendors do not. Dated sources read the last week only, so a
run stays small and cheap. Run them with `pytest -m live`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import duckdb
import pytest
from conn_helpers import files_containing

from connectors.http import LOOPBACK_HOSTS
from connectors.pipeline import SOURCES, make_pipeline
from connectors.settings import SOURCE_ENV, MissingSettings, source_kwargs

DATED = {"shop", "erp", "email"}
VENDORS = ("shop", "erp", "email", "social")


def vendor_kwargs(source: str) -> dict | None:
    """The source's arguments from the environment, or None when unset or a simulator."""
    try:
        kwargs = source_kwargs(source)
    except MissingSettings:
        return None
    host = urlsplit(kwargs.get("base_url") or "https://vendor").hostname or ""
    return None if host in LOOPBACK_HOSTS else kwargs


def secrets_of(source: str, kwargs: dict) -> list[str]:
    names = {a.argument for a in SOURCE_ENV[source]} & {"access_token", "api_key", "bearer_token"}
    return [kwargs[n] for n in names if kwargs.get(n)]


@pytest.mark.live
@pytest.mark.parametrize("source", VENDORS)
def test_vendor_sync_loads_unique_records_and_stores_no_secret(source, tmp_path, caplog):
    kwargs = vendor_kwargs(source)
    if kwargs is None:
        pytest.skip(f"{source}: vendor credentials not set (README lists the variables)")
    if source in DATED:
        kwargs["start_date"] = datetime.now(UTC) - timedelta(days=7)
    pipeline = make_pipeline(source, tmp_path / "live.duckdb", tmp_path / "pipelines")
    pipeline.run(SOURCES[source](**kwargs))

    counts = pipeline.last_trace.last_normalize_info.row_counts
    with duckdb.connect(str(tmp_path / "live.duckdb"), read_only=True) as con:
        for table in (t for t in counts if not t.startswith("_dlt")):
            columns = pipeline.default_schema.get_table(table)["columns"]
            key = [name for name, col in columns.items() if col.get("primary_key")]
            if not key:
                continue  # nested tables: keyed by dlt's own ids
            row = f"({', '.join(key)})"
            total, distinct = con.execute(
                f"select count(*), count(distinct {row}) from raw_{source}.{table}").fetchone()
            assert total == distinct, f"{table}: duplicate keys"
    for secret in secrets_of(source, kwargs):
        assert files_containing(tmp_path, secret) == []
        assert secret not in caplog.text
