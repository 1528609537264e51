"""Column hints written once per contract table, typed by name lists.

Declaring every contract column (not only the timestamps) makes dlt create
it even when a small load has only NULLs in it, so the dbt models written
against docs/data-contract.md never meet a missing column. Each column gets
its own dict: dlt annotates hint dicts in place, so sharing one breaks them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

TYPES = ("text", "timestamp", "date", "bool", "bigint", "double", "decimal", "json")


def columns(**by_type: Iterable[str]) -> dict[str, dict[str, Any]]:
    """`columns(text=["id"], timestamp=["updated_at"])` -> dlt `columns` hints."""
    out: dict[str, dict[str, Any]] = {}
    for data_type, names in by_type.items():
        if data_type not in TYPES:
            raise ValueError(f"unknown dlt data type {data_type!r}")
        for name in names:
            out[name] = {"data_type": data_type, "nullable": True}
    return out
