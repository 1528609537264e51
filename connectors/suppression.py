"""Erased people stay erased: every connector drops suppressed rows before they are loaded.

A source may keep serving a person after cdpkit erased them (the shop has not
deleted the customer yet, the ERP never will). The suppression list holds salted
hashes of their addresses, phone numbers and source records
(`quality/privacy/suppression.py`); this step hashes the same fields of each row
as it leaves the API and drops the rows that match, so they reach neither the
warehouse nor dlt's load package files. It sits before the steps that turn rows
into Arrow and split child lists, so a dropped order takes its line items along.

An empty list costs nothing: the step returns each batch as it is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import pyarrow as pa
from dlt.common.normalizers.naming.snake_case import NamingConvention
from dlt.extract.incremental import Incremental, IncrementalResourceWrapper
from dlt.extract.items_transform import ItemTransform
from dlt.extract.source import DltSource

from quality.privacy.identifiers import identifier_hash, record_key
from quality.privacy.suppression import Suppressions, active_hashes

Field = tuple[str, tuple[str, ...]]  # (identifier kind, path in the row as the API sends it)

#: the fields of each table's rows that identify a person, by source
IDENTIFYING_FIELDS: dict[str, dict[str, Sequence[Field]]] = {
    "shop": {
        "customers": (("record", ("id",)), ("email", ("email",)), ("phone", ("phone",)),
                      ("phone", ("defaultAddress", "phone"))),
        "orders": (("record", ("customer", "id")), ("email", ("email",)),
                   ("phone", ("phone",))),
        "deletions": (("record", ("id",)),),
    },
    "erp": {
        "partners": (("record", ("id",)), ("email", ("email",)), ("phone", ("phone",)),
                     ("phone", ("mobile",))),
        "sale_orders": (("record", ("partner_id",)),),
        "sale_order_lines": (("record", ("order_partner_id",)),),
        "invoices": (("record", ("partner_id",)),),
        "blacklist": (("email", ("email",)),),
        "deletions": (("record", ("id",)),),
    },
    "email": {
        "members": (("record", ("id",)), ("email", ("email_address",)),
                    ("phone", ("merge_fields", "PHONE"))),
        "email_activity": (("email", ("email_address",)),),
    },
    "social": {
        "users": (("record", ("id",)),),
        "tweets": (("record", ("author_id",)),),
        "dm_events": (("record", ("sender_id",)),),
    },
    "files": {
        "crm_contacts": (("email", ("email",)), ("phone", ("phone",))),
        "erp_partners": (("email", ("email",)), ("phone", ("phone",)), ("phone", ("mobile",))),
    },
}
_SNAKE = NamingConvention()


def load_suppressions(warehouse: str | Path, salt: bytes) -> Suppressions:
    """The active list from the warehouse (empty when there is no warehouse or list yet)."""
    path = Path(warehouse)
    if not path.exists():
        return Suppressions(salt, frozenset())
    with duckdb.connect(str(path)) as con:
        return Suppressions(salt, active_hashes(con))


class SuppressedRows(ItemTransform[Any, Any]):
    """A resource step dropping the rows of suppressed people; counts what it dropped."""

    #: a step over rows as the API sent them (`connectors/quarantine.py` places after it)
    reads_api_rows: ClassVar[bool] = True

    def __init__(self, source: str, table: str, suppressions: Suppressions) -> None:
        super().__init__(lambda item: item)
        self.source = source
        self.table = table
        self.suppressions = suppressions
        self.dropped: Counter[str] = Counter()

        @lru_cache(maxsize=100_000)
        def suppressed(kind: str, value: str) -> bool:
            if kind == "record":
                value = record_key(source, value)
            digest = identifier_hash(suppressions.salt, kind, value)
            return digest is not None and digest in suppressions.hashes

        self._suppressed = suppressed

    def __call__(self, item: Any, meta: Any = None) -> Any:
        if not self.suppressions.hashes:
            return item
        table = (getattr(meta, "hints", None) or {}).get("table_name") or self.table
        fields = IDENTIFYING_FIELDS.get(self.source, {}).get(table)
        if not fields:
            return item
        if isinstance(item, pa.Table | pa.RecordBatch):
            return self._arrow(item, table, fields)
        rows = item if isinstance(item, list) else [item]
        kept = [row for row in rows if not self._row_suppressed(row, fields)]
        if len(kept) != len(rows):
            self.dropped[table] += len(rows) - len(kept)
        if isinstance(item, list):
            return kept or None
        return kept[0] if kept else None

    def _row_suppressed(self, row: Any, fields: Sequence[Field]) -> bool:
        if not isinstance(row, dict):
            return False
        for kind, path in fields:
            value: Any = row
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            if _present(value) and self._suppressed(kind, str(value)):
                return True
        return False

    def _arrow(self, table_: Any, table: str, fields: Sequence[Field]) -> Any:
        keep = [True] * table_.num_rows
        for kind, path in fields:
            column = _arrow_column(table_, path)
            if column is None:
                continue
            for i, value in enumerate(column.to_pylist()):
                if keep[i] and _present(value) and self._suppressed(kind, str(value)):
                    keep[i] = False
        dropped = keep.count(False)
        if not dropped:
            return table_
        self.dropped[table] += dropped
        return table_.filter(pa.array(keep)) if dropped < len(keep) else None


def _present(value: Any) -> bool:
    return value is not None and value is not False and value != ""


def _arrow_column(table: Any, path: tuple[str, ...]) -> Any:
    """A field in an Arrow batch: dlt flattens paths with `__`, in its naming or as sent."""
    for name in ("__".join(path), "__".join(_SNAKE.normalize_identifier(p) for p in path)):
        if name in table.schema.names:
            return table.column(name)
    return None


def apply_suppression(source: DltSource, source_name: str,
                      suppressions: Suppressions) -> list[SuppressedRows]:
    """Put the suppression step on every resource of `source`; returns the steps to read counts."""
    steps = []
    for name, resource in source.resources.items():
        step = SuppressedRows(source_name, name, suppressions)
        # first of the row steps, right after dlt's incremental: ahead of the null-key
        # quarantine (an erased person's keyless record is dropped, not quarantined)
        # and of the steps that parse, split and batch rows into Arrow
        pipe = resource._pipe  # dlt keeps a resource's steps on its pipe
        found = pipe.find(IncrementalResourceWrapper, Incremental)
        at = found if found >= 0 else next(i for i, s in enumerate(pipe.steps) if s is pipe.gen)
        resource.add_step(step, insert_at=at + 1)
        steps.append(step)
    return steps


def dropped_rows(steps: Sequence[SuppressedRows]) -> dict[str, int]:
    """Rows dropped per table by the steps of one sync."""
    total: Counter[str] = Counter()
    for step in steps:
        total.update(step.dropped)
    return dict(total)


def suppress_erased(source: DltSource, source_name: str, warehouse: str | Path,
                    state_dir: Path) -> list[SuppressedRows]:
    """The one call every sync makes before it runs: the warehouse's list, applied to `source`."""
    from quality.privacy.identifiers import load_salt

    return apply_suppression(source, source_name,
                             load_suppressions(warehouse, load_salt(state_dir)))
