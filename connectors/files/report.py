"""What the last file-drops sync did, read back from its `file_loads` rows.

The Dagster assets attach it as metadata and the CLI can print it: files
loaded, files rejected whole, records quarantined.
"""

from __future__ import annotations

from typing import Any


def last_sync_summary(pipeline: Any) -> dict[str, int]:
    """Files loaded and rejected, and records quarantined, by the pipeline's last run."""
    from dlt.destinations.exceptions import DatabaseUndefinedRelation

    summary = {"files_loaded": 0, "files_rejected": 0, "records_quarantined": 0}
    load_info = pipeline.last_trace.last_load_info if pipeline.last_trace else None
    load_ids = list(load_info.loads_ids) if load_info else []
    if not load_ids:
        return summary
    try:
        with pipeline.sql_client() as client:
            table = client.make_qualified_table_name("file_loads")
            marks = ", ".join("%s" for _ in load_ids)
            query = (f"select status, count(*), coalesce(sum(rows_quarantined), 0) from {table} "
                     f"where _dlt_load_id in ({marks}) group by status")
            with client.execute_query(query, *load_ids) as cursor:
                rows = cursor.fetchall()
    except DatabaseUndefinedRelation:
        return summary
    for status, files, quarantined in rows:
        key = "files_rejected" if status == "rejected" else "files_loaded"
        summary[key] += files
        summary["records_quarantined"] += int(quarantined)
    return summary
