"""Records whose primary key is empty are quarantined with a reason, never dropped.

An API can send a record without its key (an Odoo partner with `id` false, a
Mailchimp member or an X tweet without `id`, a Shopify customer with an empty
`id`: Shopify's schema declares it `ID!`, so a null one fails the query loudly).
dlt would then fail the merge or load a row nobody can join, update or erase.
Such a row leaves its batch and lands in `<dataset>.quarantine (stream, reason,
record, quarantined_at)`, as rejected file lines land in `raw_files.quarantine`,
so the count in equals rows loaded plus rows quarantined. `record` is the row as
the connector read it (Odoo's many2one pairs already split), as JSON text: it
may hold personal data (dbt declares it `pii: free_text`), so logs and run
metadata carry streams and counts only. The table is append-only and appears
with the first record it holds.

Why inside each source function (`quarantine_null_keys(resources, SOURCE)` on
the list it returns) and not in `source_from_env`, `run_sync` or the Dagster
asset: the CLI, the Dagster assets, the benchmarks and the tests all build
sources through those functions, so every path gets the step and none can
forget it. Counts are read back from the built source (`quarantined_counts`).

Step order. The step runs right after dlt's incremental (which keeps reading
rows as the API sent them) and before the steps that reshape rows:
`TimestampsParsed`, `SplitChildTables`, `ArrowWhenFits` (whose Arrow batches
and child tables need the key). dlt's `append_step` would put it after those
(they share `placement_affinity` 1 and appending goes last), so
`place_row_step` inserts it at its index instead. Another row step placed with
`place_row_step` later lands after this one: row steps run in the order they
were placed, all between the incremental and the reshaping steps.

Quarantined rows travel on through the later steps as their own batch, marked
for the `quarantine` table (`dlt.mark.with_hints`, a table variant): steps that
look at the meta (`ArrowWhenFits`) convert it with the quarantine's columns,
the others find none of their fields in it and pass it on. A clean batch costs
one pass over its key field: 1.3 ms for 20,000 Shopify-shaped rows (66 ns a
row, against dlt's 10 us a row on the Arrow path; a microbenchmark here).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import dlt
from dlt.extract.hints import HintsMeta
from dlt.extract.incremental import Incremental, IncrementalResourceWrapper
from dlt.extract.items import TableNameMeta
from dlt.extract.items_transform import ItemTransform
from dlt.sources import DltResource, DltSource

from connectors.hints import columns

logger = logging.getLogger(__name__)

TABLE = "quarantine"


def quarantine_columns() -> dict[str, dict[str, Any]]:
    """The quarantine table's columns (new dicts each call: dlt annotates hints in place)."""
    out = columns(text=("stream", "reason", "record"), timestamp=("quarantined_at",))
    for name in ("stream", "reason", "record"):
        out[name]["nullable"] = False
    return out


class NullKeyQuarantine(ItemTransform[Any, Any]):
    """A resource step: rows with an empty primary key leave the batch for `quarantine`.

    `stream` and `key` are the resource's table and primary key columns; an
    item whose meta names another table (`dlt.mark.with_hints`, e.g. X tweet
    authors bound for `users`) is checked against that table's key from its
    hints. `counts` holds the quarantined rows per stream since the source was
    built. Empty means missing, None, "" or Odoo's `False`; 0 is a key.
    """

    # beside dlt's incremental; `place_row_step` puts it at its index
    placement_affinity: ClassVar[float] = 1
    #: placed by `place_row_step`: later row steps go after it
    reads_api_rows: ClassVar[bool] = True

    def __init__(self, stream: str, key: tuple[str, ...], source_name: str = "") -> None:
        super().__init__(lambda item: item)
        self.stream = stream
        self.key = key
        self.source_name = source_name
        self.counts: Counter[str] = Counter()
        self._hints = dlt.mark.make_hints(
            table_name=TABLE, write_disposition="append", columns=quarantine_columns())

    def __call__(self, item: Any, meta: Any = None) -> Any:
        stream, key = self._target(meta)
        if not key or stream == TABLE:
            return item
        if isinstance(item, dict):
            reason = empty_key(item, key)
            return item if reason is None else self._quarantine(stream, [(item, reason)])
        if not isinstance(item, list) or not item:
            return item  # Arrow tables, markers: not rows as the API sent them
        bad = _bad_rows(item, key)
        if not bad:
            return item
        return self._split(item, bad, stream)

    def _split(self, item: list[Any], bad: list[tuple[int, str]], stream: str) -> Iterator[Any]:
        held = {i for i, _ in bad}
        quarantined = self._quarantine(stream, [(item[i], reason) for i, reason in bad])
        kept = [row for i, row in enumerate(item) if i not in held]
        if kept:
            yield kept  # dlt gives what a step yields bare the meta of the item it came with
        yield quarantined

    def _quarantine(self, stream: str, rows: list[tuple[Any, str]]) -> Any:
        now = datetime.now(UTC)
        self.counts[stream] += len(rows)
        logger.warning("%s %s: %d records with an empty primary key quarantined (table %s)",
                       self.source_name, stream, len(rows), TABLE)
        out = [{"stream": stream, "reason": reason, "record": _json(row), "quarantined_at": now}
               for row, reason in rows]
        return dlt.mark.with_hints(out, self._hints, create_table_variant=True)

    def _target(self, meta: Any) -> tuple[str, tuple[str, ...]]:
        if isinstance(meta, HintsMeta) and meta.hints:
            table = meta.hints.get("table_name")
            pk = meta.hints.get("primary_key")
            if isinstance(table, str):
                return table, _names(pk) if pk else self.key
        if isinstance(meta, TableNameMeta):
            return meta.table_name, self.key
        return self.stream, self.key


def empty_key(row: Any, key: tuple[str, ...]) -> str | None:
    """Why `row`'s primary key is empty (e.g. "primary key id is null"), or None if it is set."""
    if not isinstance(row, dict):
        return None
    for name in key:
        if name not in row:
            return f"primary key {name} is missing"
        value = row[name]
        if value is None or value is False:
            return f"primary key {name} is null"
        if value == "":
            return f"primary key {name} is empty"
    return None


def _bad_rows(rows: list[Any], key: tuple[str, ...]) -> list[tuple[int, str]]:
    if len(key) == 1:  # the common case: one look-up per row, inlined (66 against 136 ns)
        name = key[0]
        bad = [i for i, row in enumerate(rows) if isinstance(row, dict)
               and ((v := row.get(name)) is None or v is False or v == "")]
    else:
        bad = [i for i, row in enumerate(rows) if empty_key(row, key) is not None]
    return [(i, reason) for i in bad if (reason := empty_key(rows[i], key)) is not None]


def _json(row: Any) -> str:
    return json.dumps(row, default=str, ensure_ascii=False)


def _names(pk: Any) -> tuple[str, ...]:
    return (pk,) if isinstance(pk, str) else tuple(pk or ())


def resource_key(resource: DltResource) -> tuple[str, ...]:
    """The resource's primary key columns as dlt computes them from its hints."""
    schema_columns = resource.compute_table_schema().get("columns") or {}
    return tuple(name for name, column in schema_columns.items() if column.get("primary_key"))


def place_row_step(resource: DltResource, step: ItemTransform[Any, Any]) -> DltResource:
    """Insert `step` after dlt's incremental (or the data generator) and after the row
    steps placed there before it, ahead of the steps that reshape rows."""
    pipe = resource._pipe  # dlt keeps a resource's steps on its pipe
    steps = pipe.steps
    found = pipe.find(IncrementalResourceWrapper, Incremental)
    at = (found if found >= 0 else next(i for i, s in enumerate(steps) if s is pipe.gen)) + 1
    while at < len(steps) and getattr(steps[at], "reads_api_rows", False):
        at += 1
    return resource.add_step(step, insert_at=at)


def quarantine_null_keys(resources: DltSource | Iterable[DltResource], source_name: str
                         ) -> list[NullKeyQuarantine]:
    """Add a `NullKeyQuarantine` to every keyed resource (once); returns the steps.

    Each resource's key comes from dlt (`compute_table_schema`), so a stream
    declared with `primary_key=...` is covered without naming it here.
    """
    if isinstance(resources, DltSource):
        resources = resources.resources.values()
    steps = []
    for resource in resources:
        existing = resource._pipe.get_by_type(NullKeyQuarantine)
        if existing is not None:
            steps.append(existing)
            continue
        key = resource_key(resource)
        if not key:
            continue
        step = NullKeyQuarantine(str(resource.table_name), key, source_name)
        declare_quarantine(resource)
        place_row_step(resource, step)
        steps.append(step)
    return steps


def declare_quarantine(resource: DltResource) -> None:
    """Declare the `quarantine` table variant on `resource`, keyless and with its own columns.

    dlt starts a table variant as a copy of the resource's hints: left to the first
    quarantined batch, `quarantine` would inherit the stream's primary key (and fail
    the load: a key column that received no data) and its columns. Emptied here
    first; copies of the resource (`with_resources`) share the declared variants.
    """
    resource.apply_hints(table_name=TABLE, create_table_variant=True, write_disposition="append",
                         columns={}, primary_key=[], merge_key=[])
    resource.apply_hints(table_name=TABLE, create_table_variant=True,
                         columns=quarantine_columns())


def quarantined_counts(source: DltSource) -> dict[str, int]:
    """Rows quarantined per stream by the source's selected resources, nonzero only."""
    total: Counter[str] = Counter()
    for resource in source.selected_resources.values():
        for step in resource._pipe.steps:
            if isinstance(step, NullKeyQuarantine):
                total.update(step.counts)
    return {stream: n for stream, n in sorted(total.items()) if n}
