"""Batches of rows that fit their declared columns reach dlt as typed Arrow tables.

Why: dlt normalises dict rows one at a time in Python: 45 us a row against
10.6 us as Arrow in 5,000-row batches (a microbenchmark of 300,000 Odoo-shaped
rows on this machine), more CPU than a simulator spends serving the row. An
Arrow table is written to Parquet as a whole, with no per-row work. But dlt's
row path is what handles drift: new columns, changed types (variant columns),
nested lists (child tables). So a batch becomes Arrow only
when every key is a declared column (nested objects flattened with `__`, as
dlt would) and every value has the declared type; any other
batch goes to dlt as rows, unchanged, and the drift report sees it.

The step runs after dlt's incremental, which keeps working on the rows the
API returned (string cursors, whole-row boundary keys: connectors/boundary.py).
dlt fixes a cost per table it receives (schema inference and hint validation,
3 ms and more), so pages are joined into batches of tens of thousands of rows
first (`batched`).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any, ClassVar

import pyarrow as pa
import pyarrow.compute as pc
from dlt.common.normalizers.naming.direct import NamingConvention as Direct
from dlt.common.normalizers.naming.snake_case import NamingConvention as SnakeCase
from dlt.extract.items_transform import ItemTransform

#: rows per Arrow table. 20,000 against 5,000 cut X mentions' client CPU from
#: 8.1-8.8 s to 6.6-7.7 s (300k-person world, three runs each); 20,000 rows of
#: API objects stay a few tens of MB in memory.
BATCH_ROWS = 20000
SEPARATOR = "__"
UTC_MICROS = pa.timestamp("us", "UTC")
#: dlt's row id column; dlt's own ids are 14 base64 characters (80 random bits)
ROW_ID = "_dlt_id"
_ID_BYTES = 12  # 96 random bits, exactly 16 base64 characters: no padding to strip

# The Arrow types a value may arrive as (inferred by pyarrow) for each dlt type.
# Numbers may arrive as strings (GraphQL sends UnsignedInt64 as one), which dlt's
# row path coerces too. Anything else (a float in a bigint column, a bool in a
# double column) is a changed type: the batch goes to dlt's row path, which keeps
# it in a variant.
_ACCEPTS: dict[str, tuple[pa.DataType, ...]] = {
    "text": (pa.string(), pa.large_string()),
    "bigint": (pa.int64(), pa.string(), pa.large_string()),
    "double": (pa.float64(), pa.int64(), pa.string(), pa.large_string()),
    "bool": (pa.bool_(),),
    "timestamp": (pa.string(), pa.large_string()),
    "date": (pa.string(), pa.large_string()),
}
_TARGET: dict[str, pa.DataType] = {
    "text": pa.string(), "bigint": pa.int64(), "double": pa.float64(), "bool": pa.bool_(),
    "timestamp": UTC_MICROS, "date": pa.date32(),
}


class DoesNotFit(ValueError):
    """A batch dlt must normalise row by row: an undeclared key or an unexpected type."""


def batched(pages: Iterable[list[dict[str, Any]]], rows: int = BATCH_ROWS,
            until: Callable[[list[dict[str, Any]]], bool] | None = None,
            ) -> Iterator[list[dict[str, Any]]]:
    """Join API pages into lists of at least `rows` rows (the last may be shorter).

    A page for which `until(page)` holds ends its batch at once: for reads that
    dlt's incremental stops early (rows newest first), so no page past the
    stopping point is requested for the sake of filling a batch.
    """
    batch: list[dict[str, Any]] = []
    for page in pages:
        batch.extend(page)
        if len(batch) >= rows or (until is not None and until(page)):
            yield batch
            batch = []
    if batch:
        yield batch


def to_arrow(rows: list[dict[str, Any]], columns: dict[str, dict[str, Any]],
             naming: str = "snake_case") -> pa.Table:
    """`rows` as a table with exactly the declared `columns`, or `DoesNotFit`.

    `columns` are dlt column hints (`connectors.hints.columns`). Keys are named
    as dlt names them (snake_case, `updatedAt` -> `updated_at`) and nested
    objects are flattened to `object__key` columns at any depth, as dlt's row
    path does; a key holding only nulls is left out, as dlt leaves it out.
    `naming` is the schema's naming convention (`snake_case`, dlt's default, or `direct`).
    """
    declared = _declared(tuple((n, c.get("data_type"), c.get("nullable", True))
                               for n, c in columns.items()), naming)
    types = {name: data_type for name, (data_type, _) in declared.items()}
    unsupported = {n: t for n, t in types.items() if t not in _TARGET}
    if unsupported:
        raise DoesNotFit(f"no Arrow mapping for {unsupported}")
    leaves = _leaves(_infer(rows, naming), naming)
    undeclared = sorted(n for n, a in leaves.items() if n not in types and a.type != pa.null())
    if undeclared:
        raise DoesNotFit(f"undeclared keys {undeclared}")
    arrays = [_typed(leaves[name], data_type, name) if name in leaves
              else pa.nulls(len(rows), _TARGET[data_type]) for name, data_type in types.items()]
    # fields as nullable as their hints, or dlt warns that it overrides Arrow's
    fields = [pa.field(name, a.type, nullable=declared[name][1])
              for name, a in zip(types, arrays, strict=True)]
    for field, array in zip(fields, arrays, strict=True):
        if not field.nullable and array.null_count:
            raise DoesNotFit(f"{field.name}: nulls in a column declared not nullable")
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


@lru_cache(maxsize=64)
def _declared(hints: tuple[tuple[str, Any, bool], ...], naming: str
              ) -> dict[str, tuple[Any, bool]]:
    """Declared columns (type, nullable) by their names as dlt normalises them
    (hints may be written `updatedAt`)."""
    normalize = _NAMINGS[naming].normalize_path
    return {normalize(name): (data_type, nullable) for name, data_type, nullable in hints}


_NAMINGS = {"snake_case": SnakeCase(), "direct": Direct()}


@lru_cache(maxsize=4096)
def _key_name(key: str, naming: str) -> str:
    return _NAMINGS[naming].normalize_identifier(key)


def _infer(rows: list[dict[str, Any]], naming: str) -> pa.StructArray:
    """All rows as one struct array: pyarrow infers every key's type in C."""
    try:
        return pa.array(rows)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
        keys = set().union(*rows)
        for key in sorted(keys):  # name the key at fault: the drift report shows it
            try:
                pa.array([row.get(key) for row in rows])
            except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
                raise DoesNotFit(f"{_key_name(key, naming)}: mixed or oversized values") from exc
        raise DoesNotFit(f"mixed or oversized values: {exc}") from exc


def _leaves(struct: pa.StructArray, naming: str, prefix: str = "") -> dict[str, pa.Array]:
    """Flattened leaf arrays by dlt column name; a parent's nulls pass to its children."""
    out: dict[str, pa.Array] = {}
    for field, child in zip(struct.type, struct.flatten(), strict=True):
        name = f"{prefix}{_key_name(field.name, naming)}"
        if pa.types.is_struct(child.type):
            out.update(_leaves(child, naming, f"{name}{SEPARATOR}"))
        else:
            out[name] = child
    return out


def _typed(inferred: pa.Array, data_type: str, name: str) -> pa.Array:
    if inferred.type == pa.null():
        return pa.nulls(len(inferred), _TARGET[data_type])
    if data_type == "timestamp" and pa.types.is_timestamp(inferred.type) and inferred.type.tz:
        return pc.cast(inferred, UTC_MICROS)  # datetimes with an offset (parsed_timestamps.py)
    if inferred.type not in _ACCEPTS[data_type]:
        raise DoesNotFit(f"{name}: {inferred.type} values in a {data_type} column")
    if data_type == "timestamp":
        return _timestamps(inferred, name)
    try:
        return pc.cast(inferred, _TARGET[data_type])
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise DoesNotFit(f"{name}: not a {data_type}") from exc


def _timestamps(strings: pa.Array, name: str) -> pa.Array:
    """ISO 8601 strings as UTC; strings without an offset are UTC, as dlt reads them."""
    try:
        return pc.cast(strings, UTC_MICROS)
    except pa.ArrowInvalid:
        pass
    try:
        return pc.cast(pc.cast(strings, pa.timestamp("us")), UTC_MICROS)
    except pa.ArrowInvalid as exc:
        raise DoesNotFit(f"{name}: not ISO 8601 timestamps") from exc


def with_row_ids(table: pa.Table) -> pa.Table:
    """`table` with a random `_dlt_id` per row, as dlt gives rows it normalises.

    dlt can add the column itself (`parquet_normalizer.add_dlt_id`), but only
    by reading back and rewriting every Parquet file the extract wrote; made
    here, the file is loaded as extracted. Ids come from one `os.urandom`
    call per table, base64-encoded as a whole (16 characters per id).
    """
    encoded = base64.b64encode(os.urandom(_ID_BYTES * table.num_rows))
    width = _ID_BYTES * 4 // 3
    ids = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), table.num_rows, [None, pa.py_buffer(encoded)]).cast(pa.string())
    return table.append_column(pa.field(ROW_ID, pa.string(), nullable=False), ids)


class ArrowWhenFits(ItemTransform[Any, Any]):
    """A resource step: each batch of rows becomes Arrow if it fits, else stays rows.

    `columns` are the resource's declared column hints; items carrying their
    own hints (`dlt.mark.with_hints`) are converted with those instead.
    `naming` is the source schema's naming convention.
    """

    # after dlt's incremental, which reads the rows as the API sent them
    placement_affinity: ClassVar[float] = 1

    def __init__(self, columns: dict[str, dict[str, Any]] | None = None,
                 naming: str = "snake_case") -> None:
        super().__init__(lambda item: item)
        self.columns = columns
        self.naming = naming
        #: batches that went to dlt's row path, and why (the first reason per column set)
        self.row_batches = 0
        self.last_reason: str | None = None

    def __call__(self, item: Any, meta: Any = None) -> Any:
        columns = _hinted_columns(meta) or self.columns
        if not columns or not isinstance(item, list) or not item:
            return item
        try:
            return with_row_ids(to_arrow(item, columns, self.naming))
        except DoesNotFit as why:
            self.row_batches += 1
            self.last_reason = str(why)
            return item


def _hinted_columns(meta: Any) -> dict[str, dict[str, Any]] | None:
    hints = getattr(meta, "hints", None)
    return hints.get("columns") if isinstance(hints, dict) else None
