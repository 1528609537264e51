"""File kinds: what a dropped export must look like, declared as data.

A kind names the files it accepts (glob patterns on the file name), its
columns with a type and whether a value is required, and its primary key.
The built-in kinds live in `connectors.files.builtin`; users declare their own
in a YAML (or JSON) file of the same shape, named by `CDP_FILE_KINDS`:

    kinds:
      shop_returns:
        patterns: ["returns_*"]
        primary_key: [return_id]
        updated_column: returned_at
        csv: {delimiter: ";", encoding: cp1252}
        columns:
          return_id: {type: bigint, required: true}
          email: text
          returned_at: timestamp

A declared kind with a built-in's name replaces the built-in.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

#: Types a declared column may have; each maps to the dlt data type of the same name.
TYPES = ("text", "bigint", "double", "bool", "date", "timestamp")
#: Tables of the source itself: a kind may not take their names.
RESERVED = ("quarantine", "file_loads")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class KindError(ValueError):
    """A kind declaration that cannot be used; the message names the kind and the field."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "text"
    required: bool = False


@dataclass(frozen=True)
class FileKind:
    name: str
    patterns: tuple[str, ...]
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    #: when one load holds a key twice, the row with the greatest value here wins
    updated_column: str | None = None
    delimiter: str = ","
    encoding: str = "utf-8"

    def matches(self, file_name: str) -> bool:
        """Whether a file name (not its folder) matches one of the patterns, ignoring case."""
        name = file_name.lower()
        return any(fnmatch.fnmatchcase(name, p.lower()) for p in self.patterns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def dlt_columns(self) -> dict[str, dict[str, Any]]:
        """dlt column hints: every declared column exists even when a load has only NULLs."""
        hints: dict[str, dict[str, Any]] = {
            c.name: {"data_type": c.type, "nullable": not c.required} for c in self.columns
        }
        if self.updated_column:
            hints[self.updated_column]["dedup_sort"] = "desc"
        return hints


def parse_kind(name: str, spec: Mapping[str, Any]) -> FileKind:
    """One kind from its declaration; raises KindError saying what is wrong."""
    if not _NAME.match(name) or name in RESERVED:
        raise KindError(f"kind {name!r}: names are lower-case snake_case and not "
                        f"{' or '.join(RESERVED)}")
    patterns = spec.get("patterns")
    if isinstance(patterns, str):
        patterns = [patterns]
    if not patterns:
        raise KindError(f"kind {name!r}: needs `patterns`, the file names it accepts")
    primary_key = spec.get("primary_key")
    if isinstance(primary_key, str):
        primary_key = [primary_key]
    if not primary_key:
        raise KindError(f"kind {name!r}: needs a `primary_key`")
    columns = [_parse_column(name, col, s, primary_key) for col, s in
               (spec.get("columns") or {}).items()]
    declared = {c.name for c in columns}
    for key in (*primary_key, spec.get("updated_column")):
        if key and key not in declared:
            raise KindError(f"kind {name!r}: {key!r} is not a declared column")
    csv = spec.get("csv") or {}
    return FileKind(
        name=name,
        patterns=tuple(patterns),
        columns=tuple(columns),
        primary_key=tuple(primary_key),
        updated_column=spec.get("updated_column"),
        delimiter=csv.get("delimiter", ","),
        encoding=csv.get("encoding", "utf-8"),
    )


def _parse_column(kind: str, name: str, spec: Any, primary_key: list[str]) -> Column:
    if not _NAME.match(name):
        raise KindError(f"kind {kind!r}: column {name!r} is not lower-case snake_case")
    if isinstance(spec, str):
        spec = {"type": spec}
    spec = spec or {}
    type_ = spec.get("type", "text")
    if type_ not in TYPES:
        raise KindError(f"kind {kind!r}: column {name!r} has type {type_!r}; "
                        f"known: {', '.join(TYPES)}")
    # A primary key column is always required: a row without its key cannot be merged.
    return Column(name, type_, bool(spec.get("required", False)) or name in primary_key)


def parse_kinds(declaration: Mapping[str, Any]) -> dict[str, FileKind]:
    """Kinds from a declaration `{"kinds": {name: spec}}` (or the inner mapping alone)."""
    specs = declaration.get("kinds", declaration)
    if not isinstance(specs, Mapping):
        raise KindError("a kinds declaration maps kind names to their specs")
    return {name: parse_kind(name, spec or {}) for name, spec in specs.items()}


def load_kinds(path: str | Path) -> dict[str, FileKind]:
    """Kinds declared in a YAML or JSON file (JSON is valid YAML)."""
    with open(path, encoding="utf-8") as handle:
        declaration = yaml.safe_load(handle) or {}
    if not isinstance(declaration, Mapping):
        raise KindError(f"{path}: expected a mapping with a `kinds` key")
    return parse_kinds(declaration)


def resolve_kinds(
    kinds_file: str | Path | None = None, kinds: Mapping[str, Any] | None = None
) -> dict[str, FileKind]:
    """The built-in kinds, then those of `kinds_file`, then `kinds`; later names win."""
    from connectors.files.builtin import BUILTIN_KINDS

    out = parse_kinds(BUILTIN_KINDS)
    if kinds_file:
        out.update(load_kinds(kinds_file))
    if kinds:
        out.update(parse_kinds(kinds))
    return out
