"""Nested lists loaded as tables of their own, keyed by the parent's id and position.

Why not dlt's nested tables: dlt builds them in its row-by-row normaliser
(`orders__line_items` joined on `_dlt_parent_id`), and cannot take them as
Arrow: on Shopify-shaped orders that path cost the connector more CPU per
record than the simulator spends serving it (README, Benchmarks). Here each
list leaves its parent row before dlt sees it and becomes a table such as
`orders__line_items (order_id, position, ...)`, converted to Arrow batch by
batch like any other (connectors/arrow_batches.py), rows when it does not fit.

The key is the parent's natural id, which BI tools and dbt join on without
dlt's system columns. A changed parent replaces its whole list: the child
table merges with `delete-insert` on `merge_key=<parent>_id`, so an item
removed at the source is removed here too (only a list emptied entirely keeps
its old items: Shopify orders always keep a line item, refunds are never
removed, and tags are read again on every customer change).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import dlt
from dlt.extract.items_transform import ItemTransform
from dlt.pipeline.helpers import pipeline_drop as drop

from connectors.arrow_batches import ArrowWhenFits

logger = logging.getLogger(__name__)

POSITION = "position"
#: the column a list of scalars (tags) lands in, named as dlt names it
VALUE = "value"


@dataclass(frozen=True)
class ChildTable:
    """A nested list `field` of the parent loaded as `table`, keyed by `parent_key`."""

    field: str
    table: str
    parent_key: str
    columns: dict[str, dict[str, Any]]

    def all_columns(self) -> dict[str, dict[str, Any]]:
        key = {self.parent_key: {"data_type": "text", "nullable": False},
               POSITION: {"data_type": "bigint", "nullable": False}}
        return {**key, **self.columns}

    def hints(self) -> Any:
        return dlt.mark.make_hints(
            table_name=self.table,
            primary_key=[self.parent_key, POSITION],
            merge_key=self.parent_key,
            write_disposition={"disposition": "merge", "strategy": "delete-insert"},
            columns=self.all_columns(),
        )

    def rows(self, parent_id: Any, items: list[Any]) -> list[dict[str, Any]]:
        key = self.parent_key
        return [{key: parent_id, POSITION: i, **item} if isinstance(item, dict)
                else {key: parent_id, POSITION: i, VALUE: item}
                for i, item in enumerate(items)]


class SplitChildTables(ItemTransform[Any, Any]):
    """A resource step: each batch of parents yields the parents, then one batch per list.

    Parents and children each go through `ArrowWhenFits`, so a batch that
    drifted reaches dlt as rows and only that batch pays the row path.
    """

    # after dlt's incremental (which reads parents as the API sent them)
    placement_affinity: ClassVar[float] = 1

    def __init__(self, columns: dict[str, dict[str, Any]], children: tuple[ChildTable, ...],
                 id_field: str = "id") -> None:
        super().__init__(lambda item: item)
        self.children = children
        self.id_field = id_field
        self.parents = ArrowWhenFits(columns)
        self.lists = {child.table: ArrowWhenFits(child.all_columns()) for child in children}
        self._hints = {child.table: child.hints() for child in children}

    def __call__(self, item: Any, meta: Any = None) -> Iterator[Any]:
        if not isinstance(item, list) or not item:
            yield item
            return
        found: dict[str, list[dict[str, Any]]] = {child.table: [] for child in self.children}
        for row in item:
            for child in self.children:
                items = row.get(child.field)
                if isinstance(items, list):  # anything else is drift: dlt's row path keeps it
                    del row[child.field]
                    found[child.table].extend(child.rows(row.get(self.id_field), items))
        yield self.parents(item)
        for table, rows in found.items():
            if rows:
                # a variant: without it the hints would replace the parent's own
                yield dlt.mark.with_hints(self.lists[table](rows), self._hints[table],
                                          create_table_variant=True)


def drop_nested_layout(pipeline: Any, source: Any) -> list[str]:
    """Drop the resources whose lists an earlier cdpkit loaded as dlt nested tables.

    Those tables (`orders__line_items` with `_dlt_parent_id`) cannot turn into
    keyed tables in place: dlt refuses to merge a nested table's schema with a
    top-level one. Dropping the resource (its tables and its cursor, with dlt's
    own `drop` helper) makes this sync re-read it in full into the keyed layout.
    Returns the dropped resource names; a warehouse already keyed is untouched.
    """
    if not pipeline.default_schema_name:
        return []
    tables = pipeline.default_schema.tables
    stale = sorted(
        name for name, resource in source.selected_resources.items()
        for step in resource._pipe.steps  # dlt keeps a resource's steps on its pipe
        if isinstance(step, SplitChildTables)
        and any(tables.get(child.table, {}).get("parent") for child in step.children)
    )
    if stale:
        logger.warning("%s: %s held lists as dlt nested tables; dropping them to reload "
                       "in the keyed layout (connectors/child_tables.py)",
                       pipeline.pipeline_name, ", ".join(stale))
        drop(pipeline, resources=stale)()
    return stale
