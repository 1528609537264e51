"""Stream the records of a CSV, JSONL or Parquet file with the line each came from.

Readers never hold a whole file: CSV and JSONL are read line by line,
Parquet batch by batch. Each record keeps its position (the physical line
where a CSV record or JSON document starts; the row number in a Parquet file)
and its raw text, so a rejected record can be found in the file and shown as
it was. A record that cannot be parsed at all (malformed JSON, a CSV row
with the wrong number of fields, bytes that are not valid in the declared
encoding) comes back with an `error` instead of values. A problem with the
file as a whole raises `FileProblem`.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

#: file extension (after an optional `.gz`) -> format
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet",
           ".pq": "parquet"}


class FileProblem(Exception):
    """The file cannot be read as its kind at all; the message is the reason."""


@dataclass(frozen=True)
class Record:
    line: int
    raw: str
    values: dict[str, Any] | None = None
    error: str | None = None


#: field names (None when the format has no header) and the records after them
Records = tuple[list[str] | None, Iterator[Record]]


def file_format(name: str) -> str | None:
    """`csv`, `jsonl` or `parquet` from the file name; None for anything else."""
    path = Path(name.lower())
    if path.suffix == ".gz":
        path = path.with_suffix("")
        return FORMATS.get(path.suffix) if path.suffix != ".parquet" else None
    return FORMATS.get(path.suffix)


def _open_binary(path: Path) -> IO[bytes]:
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb")


class _PhysicalLines:
    """Decodes a binary file line by line for the csv module, remembering what it consumed.

    The csv module pulls exactly the lines of one record (more than one when a
    quoted field holds a newline), so after each record `take()` returns its
    first line number and raw text.
    """

    def __init__(self, binary: IO[bytes], encoding: str) -> None:
        self._binary = binary
        self._encoding = encoding
        self.line = 0
        self._pending: list[str] = []
        self._start = 1
        self._undecodable = False

    def __iter__(self) -> _PhysicalLines:
        return self

    def __next__(self) -> str:
        raw = next(self._binary)
        self.line += 1
        if not self._pending:
            self._start = self.line
        try:
            text = raw.decode(self._encoding)
        except UnicodeDecodeError:
            text = raw.decode(self._encoding, errors="replace")
            self._undecodable = True
        if self.line == 1:
            text = text.removeprefix("\ufeff")
        self._pending.append(text)
        return text

    def take(self) -> tuple[int, str, bool]:
        """(first line, raw text, whether some bytes were not valid) of the last record."""
        out = (self._start, "".join(self._pending).rstrip("\r\n"), self._undecodable)
        self._pending, self._undecodable = [], False
        return out


@contextmanager
def csv_records(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> Iterator[Records]:
    """The header's field names and one record per CSV row; the header row is required."""
    with _open_binary(path) as binary:
        lines = _PhysicalLines(binary, encoding)
        reader = csv.reader(lines, delimiter=delimiter)
        header = _header(reader, lines, encoding)
        yield header, _csv_rows(reader, lines, header, encoding)


def _header(reader: Any, lines: _PhysicalLines, encoding: str) -> list[str]:
    try:
        for fields in reader:
            _, _, undecodable = lines.take()
            if undecodable:
                raise FileProblem(f"header row is not valid {encoding}")
            if not any(f.strip() for f in fields):
                continue
            header = [f.strip() for f in fields]
            lowered = [h.lower() for h in header]
            duplicates = sorted({h for h in lowered if lowered.count(h) > 1})
            if "" in header:
                raise FileProblem("header row has an empty column name")
            if duplicates:
                raise FileProblem(f"header row repeats columns: {', '.join(duplicates)}")
            return header
    except csv.Error as error:
        raise FileProblem(f"unreadable CSV header: {error}") from None
    raise FileProblem("empty file: no header row")


def _csv_rows(reader: Any, lines: _PhysicalLines, header: list[str],
              encoding: str) -> Iterator[Record]:
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line, raw, _ = lines.take()
            yield Record(line, raw, error=f"unreadable CSV row: {error}")
            continue
        line, raw, undecodable = lines.take()
        if not fields:
            continue  # a blank line holds no record
        if undecodable:
            yield Record(line, raw, error=f"not valid {encoding}")
        elif len(fields) != len(header):
            yield Record(line, raw,
                         error=f"expected {len(header)} fields, found {len(fields)}")
        else:
            yield Record(line, raw, values=dict(zip(header, fields, strict=True)))


@contextmanager
def jsonl_records(path: Path, encoding: str = "utf-8") -> Iterator[Records]:
    """One record per line holding a JSON object; blank lines are skipped."""
    with _open_binary(path) as binary:
        yield None, _jsonl_rows(binary, encoding)


def _jsonl_rows(binary: IO[bytes], encoding: str) -> Iterator[Record]:
    for line, data in enumerate(binary, start=1):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            yield Record(line, data.decode(encoding, errors="replace").rstrip("\r\n"),
                         error=f"not valid {encoding}")
            continue
        if line == 1:
            text = text.removeprefix("\ufeff")
        text = text.rstrip("\r\n")
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            yield Record(line, text, error=f"malformed JSON: {error.msg} at column {error.colno}")
            continue
        if not isinstance(value, dict):
            yield Record(line, text, error=f"not a JSON object but {type(value).__name__}")
        else:
            yield Record(line, text, values=value)


@contextmanager
def parquet_records(path: Path, batch_size: int = 1000) -> Iterator[Records]:
    """One record per row; its line is the row number (from 1), its raw text the row as JSON."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise FileProblem(f"unreadable Parquet file: {error}") from None
    with parquet:
        yield list(parquet.schema_arrow.names), _parquet_rows(parquet, batch_size)


def _parquet_rows(parquet: Any, batch_size: int) -> Iterator[Record]:
    import pyarrow as pa

    line = 0
    try:
        for batch in parquet.iter_batches(batch_size=batch_size):
            for values in batch.to_pylist():
                line += 1
                yield Record(line, json.dumps(values, default=str, ensure_ascii=False), values)
    except (pa.ArrowException, OSError) as error:
        raise FileProblem(f"unreadable Parquet data after row {line}: {error}") from None


def open_records(path: Path, fmt: str, delimiter: str = ",", encoding: str = "utf-8",
                 batch_size: int = 1000) -> Any:
    """The context manager reading `path` as `fmt` (see `file_format`)."""
    if fmt == "csv":
        return csv_records(path, delimiter, encoding)
    if fmt == "jsonl":
        return jsonl_records(path, encoding)
    if fmt == "parquet":
        return parquet_records(path, batch_size)
    raise ValueError(f"unknown file format {fmt!r}")
