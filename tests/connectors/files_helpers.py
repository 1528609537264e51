"""Build drop folders of real files for the file-drops tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

CONTACTS_HEADER = "contact_id,first_name,last_name,email,opted_out,updated_at"


def write_text(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_contacts_csv(folder: Path, name: str, rows: list[str]) -> Path:
    return write_text(folder, name, "\n".join([CONTACTS_HEADER, *rows]) + "\n")


def write_jsonl(folder: Path, name: str, lines: list[Any]) -> Path:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    return write_text(folder, name, text + "\n")


def write_parquet(folder: Path, name: str, rows: list[dict[str, Any]]) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=2)
    return path
