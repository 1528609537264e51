"""File drops: ERP and CRM exports dropped in a folder, each file loaded once.

One hidden resource scans the folder and reads each file that some selected
table still needs; one dlt transformer per table takes its part of every
file: a table per kind (`raw_files.<kind>`, merged on the kind's primary
key), `quarantine` (records that break their kind, never dropped) and
`file_loads` (one row per file read).

Each of those tables keeps its own ledger of the files it holds, in its dlt
resource state: dlt writes the state in the same load package as the rows,
so a file is recorded exactly when its rows are loaded. A process killed
mid-sync leaves no ledger entry and the file is read again; merge keys make
the re-read rows replace, not duplicate, what an earlier attempt loaded.
Syncing one table alone (`cdpkit sync files crm_contacts`) leaves the files
pending for the others. `--full-refresh` drops a table with its ledger.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dlt
from dlt.sources import DltResource

from connectors.files.drops import iter_hashed, list_drops, token
from connectors.files.kinds import FileKind, resolve_kinds
from connectors.files.process import Batch, process_file

SOURCE = "files"
#: the folder read when no other is configured (relative to the working directory)
DEFAULT_DROP_DIR = "drops"
SCAN = "drop_folder"
LEDGER = "loaded_files"

QUARANTINE_COLUMNS = {
    "file": {"data_type": "text", "nullable": False},
    "content_sha256": {"data_type": "text", "nullable": False},
    "kind": {"data_type": "text", "nullable": False},
    "line": {"data_type": "bigint", "nullable": False},
    "reason": {"data_type": "text", "nullable": False},
    "raw": {"data_type": "text"},
    "quarantined_at": {"data_type": "timestamp"},
}
FILE_LOADS_COLUMNS = {
    "file": {"data_type": "text", "nullable": False},
    "content_sha256": {"data_type": "text", "nullable": False},
    "kind": {"data_type": "text", "nullable": False},
    "size_bytes": {"data_type": "bigint"},
    "modified_at": {"data_type": "timestamp"},
    "rows_loaded": {"data_type": "bigint"},
    "rows_quarantined": {"data_type": "bigint"},
    "status": {"data_type": "text"},
    "loaded_at": {"data_type": "timestamp"},
}
LINEAGE_COLUMNS = {
    "_source_file": {"data_type": "text"},
    "_source_line": {"data_type": "bigint"},
    "_source_sha256": {"data_type": "text"},
}


def ledger(table: str, state: Mapping[str, Any] | None = None) -> dict[str, str]:
    """`token -> loaded_at` of the files `table` holds (its dlt resource state)."""
    if state is not None:
        return state.get("resources", {}).get(table, {}).get(LEDGER, {})
    return dlt.current.resource_state(table).setdefault(LEDGER, {})


def scan_resource(drop_dir: Path, kinds: Mapping[str, FileKind], batch_size: int) -> DltResource:
    @dlt.resource(name=SCAN, selected=False)
    def drop_folder() -> Iterator[Batch]:
        selected = set(dlt.current.source().selected_resources)
        if SCAN in selected:
            raise ValueError(f"{SCAN!r} only feeds the file tables: select a kind, "
                             "quarantine or file_loads")
        state = dlt.current.source_state()
        loaded_at = datetime.now(UTC)
        # every consumer sees this first, so its table exists before any file arrives
        yield Batch(token="", kind="")
        for drop, sha256 in iter_hashed(list_drops(drop_dir, kinds)):
            key = token(sha256, drop.kind_name)
            consumers = {drop.kind_name, "quarantine", "file_loads"} & selected
            if all(key in ledger(c, state) for c in consumers):
                continue
            yield from process_file(drop, sha256, loaded_at, batch_size)

    return drop_folder


def _consumer(scan: DltResource, table: str, pick: str, kind: FileKind | None = None,
              **hints: Any) -> DltResource:
    """A transformer loading the `pick` part of the batches meant for `table`."""

    @dlt.transformer(data_from=scan, name=table, write_disposition="merge", **hints)
    def take(batch: Batch) -> Iterator[Any]:
        if not batch.token:
            yield dlt.mark.materialize_table_schema()
            return
        if kind is not None and batch.kind != kind.name:
            return
        done = ledger(table)
        if batch.token in done:
            return
        if pick == "summary":
            if batch.summary is not None:
                yield batch.summary
        elif getattr(batch, pick):
            yield getattr(batch, pick)
        if batch.summary is not None:
            done[batch.token] = batch.summary["loaded_at"].isoformat()

    return take


@dlt.source(name=SOURCE)
def files_source(
    drop_dir: str | Path = DEFAULT_DROP_DIR,
    kinds_file: str | Path | None = None,
    kinds: Mapping[str, Any] | None = None,
    batch_size: int = 1000,
) -> list[DltResource]:
    """Exports dropped in `drop_dir` as CSV, JSONL or Parquet, checked against declared kinds.

    Kinds are the built-in `erp_partners` and `crm_contacts`, plus those
    declared in the YAML/JSON `kinds_file`, plus `kinds` (the same shape as a
    mapping); see `connectors.files.kinds`. A missing folder loads nothing.
    """
    declared = resolve_kinds(kinds_file, kinds)
    scan = scan_resource(Path(drop_dir).expanduser(), declared, batch_size)
    return [
        scan,
        *(_consumer(scan, k.name, "rows", k, primary_key=k.primary_key,
                    columns={**k.dlt_columns(), **LINEAGE_COLUMNS}, max_table_nesting=0)
          for k in declared.values()),
        _consumer(scan, "quarantine", "quarantined", primary_key=("content_sha256", "kind", "line"),
                  columns=QUARANTINE_COLUMNS),
        _consumer(scan, "file_loads", "summary", primary_key=("content_sha256", "kind"),
                  columns=FILE_LOADS_COLUMNS),
    ]
