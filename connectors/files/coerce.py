"""Turn a parsed record into a typed row of its kind, or say why it cannot be one.

Every declared column is parsed strictly: "12.5" is not a bigint, "maybe" is
not a bool, "2024-13-01" is not a date. A failure is a reason, never a NULL,
so the row goes to the quarantine instead of landing half-empty. An empty
value (empty string, whitespace, null) is a missing value. Timestamps without
an offset are taken as UTC, as Odoo and most CRMs write them.

Columns the kind does not declare are kept as they come (CSV text, JSON and
Parquet values as typed there): exports grow columns, and dlt adds them to the
table rather than the connector dropping them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from connectors.files.kinds import FileKind

_INTEGER = re.compile(r"^[+-]?\d+$")
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float | Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise ValueError(f"is a {type(value).__name__}, not text")


def _bigint(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("is a bool, not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal) and value == int(value):
        return int(value)
    if isinstance(value, str) and _INTEGER.match(value.strip()):
        return int(value.strip())
    raise ValueError("is not an integer")


def _double(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("is a bool, not a number")
    # float() accepts "1_000"; an export never means that
    if isinstance(value, str) and "_" in value:
        raise ValueError("is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError("is not a number") from None
    if not math.isfinite(number):
        raise ValueError("is not a finite number")
    return number


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
    raise ValueError("is not a bool (true/false, yes/no, 1/0)")


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise ValueError("is a timestamp, not a date")
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError("is not a date (YYYY-MM-DD)")


def _timestamp(value: Any) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("is not a timestamp (ISO 8601)") from None
    else:
        raise ValueError("is not a timestamp (ISO 8601)")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": _text,
    "bigint": _bigint,
    "double": _double,
    "bool": _bool,
    "date": _date,
    "timestamp": _timestamp,
}


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def coerce(values: Mapping[str, Any], kind: FileKind) -> tuple[dict[str, Any], list[str]]:
    """The typed row and the reasons it is invalid (an empty list when it is valid).

    Field names match declared columns ignoring case and surrounding spaces.
    """
    declared = {c.name: c for c in kind.columns}
    row: dict[str, Any] = {}
    reasons: list[str] = []
    for field, value in values.items():
        name = str(field).strip()
        column = declared.get(name.lower())
        if column is None:
            row[name] = None if is_missing(value) else value
            continue
        if is_missing(value):
            row[column.name] = None
            continue
        try:
            row[column.name] = PARSERS[column.type](value)
        except ValueError as error:
            reasons.append(f"{column.name}: {_shown(value)} {error}")
    for name in kind.required:
        if is_missing(row.get(name)) and not any(r.startswith(f"{name}: ") for r in reasons):
            reasons.append(f"{name}: required value missing")
    return row, reasons


def _shown(value: Any) -> str:
    """A value as quoted in a reason, cut short: reasons are read, raw rows are kept apart."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
