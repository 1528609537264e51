"""Read one dropped file into batches: typed rows, quarantined records, and a file summary.

Nothing read is dropped: every record becomes a row of its kind or a
quarantine entry (file, line, reason, raw text). A problem with the whole
file (it routes to no kind, lacks a required column, cannot be decoded or
parsed) is one quarantine entry at line 0. The last batch of a file carries
its `file_loads` summary; consumers record the file as done when they see it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connectors.files.coerce import coerce
from connectors.files.drops import DropFile, token
from connectors.files.readers import FileProblem, Record, file_format, open_records

logger = logging.getLogger(__name__)

#: the line of a quarantine entry about the whole file
WHOLE_FILE = 0


@dataclass
class Batch:
    """A slice of one file's outcome, handed from the folder scan to each table's resource."""

    token: str
    kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    quarantined: list[dict[str, Any]] = field(default_factory=list)
    #: the file's `file_loads` row, on its last batch only
    summary: dict[str, Any] | None = None


def process_file(drop: DropFile, sha256: str, loaded_at: datetime,
                 batch_size: int = 1000) -> Iterator[Batch]:
    """The batches of one file; the last one carries the summary."""
    key = token(sha256, drop.kind_name)
    batch = Batch(key, drop.kind_name)
    loaded = quarantined = 0
    status = "loaded"

    def quarantine(line: int, reason: str, raw: str | None) -> None:
        batch.quarantined.append({
            "file": drop.name, "content_sha256": sha256, "kind": drop.kind_name,
            "line": line, "reason": reason, "raw": raw, "quarantined_at": loaded_at,
        })

    try:
        if drop.kind is None:
            raise FileProblem(drop.problem or "file routes to no kind")
        kind = drop.kind
        fmt = file_format(drop.name)
        with open_records(drop.path, fmt or "", kind.delimiter, kind.encoding,
                          batch_size) as (header, records):
            if header is not None:
                present = {h.lower() for h in header}
                missing = [c for c in kind.required if c not in present]
                if missing:
                    raise FileProblem("header lacks required columns: " + ", ".join(missing))
            for record in records:
                row, reasons = _row(record, kind)
                if reasons:
                    quarantine(record.line, "; ".join(reasons), record.raw)
                    quarantined += 1
                else:
                    row.update(_source_file=drop.name, _source_line=record.line,
                               _source_sha256=sha256)
                    batch.rows.append(row)
                    loaded += 1
                if len(batch.rows) + len(batch.quarantined) >= batch_size:
                    yield batch
                    batch = Batch(key, drop.kind_name)
    except (FileProblem, OSError, EOFError, UnicodeError) as problem:
        reason = str(problem) if isinstance(problem, FileProblem) else \
            f"unreadable file: {type(problem).__name__}: {problem}"
        if loaded or quarantined:
            reason += f" (after {loaded + quarantined} records)"
        quarantine(WHOLE_FILE, reason, None)
        status = "rejected"
    logger.info("%s (%s): %d rows, %d quarantined, %s", drop.name, drop.kind_name,
                loaded, quarantined, status)
    batch.summary = {
        "file": drop.name, "content_sha256": sha256, "kind": drop.kind_name,
        "size_bytes": drop.size, "modified_at": drop.modified_at,
        "rows_loaded": loaded, "rows_quarantined": quarantined, "status": status,
        "loaded_at": loaded_at,
    }
    yield batch


def _row(record: Record, kind: Any) -> tuple[dict[str, Any], list[str]]:
    if record.values is None:
        return {}, [record.error or "unreadable record"]
    return coerce(record.values, kind)
