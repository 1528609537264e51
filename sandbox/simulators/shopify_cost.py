"""Shopify's calculated query cost and its leaky bucket.

Cost rules (shopify.dev "GraphQL Admin API rate limits"): scalars and enums
cost 0, objects 1, a connection 2 plus ``first``/``last`` times the cost of one
node. The requested cost is charged before execution; the difference to the
actual cost (computed with the number of nodes really returned) is refunded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    is_leaf_type,
    value_from_ast_untyped,
)
from graphql import GraphQLSchema as Schema


class QueryCost:
    """Compute a query's cost against a schema."""

    def __init__(self, schema: Schema, document: Any, variables: dict | None) -> None:
        self.schema = schema
        self.variables = variables or {}
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        self.operation = ops[0] if ops else None

    def total(self) -> int:
        """The requested cost: every connection counted at its full page size."""
        if self.operation is None:
            return 0
        root = self.schema.query_type
        assert root is not None
        return self._selection(root, self.operation.selection_set)

    def actual(self, data: dict[str, Any] | None) -> int:
        """The cost of what was really returned: each returned node and object counts.

        Shopify refunds requested minus actual, so a page of orders with two
        line items each costs far less than `lineItems(first: 5)` promised.
        """
        if self.operation is None or data is None:
            return 0
        root = self.schema.query_type
        assert root is not None
        return self._returned(root, self.operation.selection_set, data)

    def _returned(self, parent: GraphQLObjectType, sel_set: SelectionSetNode | None,
                  data: Any) -> int:
        if not isinstance(data, dict):
            return 0
        total = 0
        for node, _fdef, ftype in self._object_fields(parent, sel_set):
            value = data.get(node.alias.value if node.alias else node.name.value)
            if value is None:
                continue
            if ftype.name.endswith("Connection"):
                total += 2 + self._returned_nodes(ftype, node.selection_set, value)
            elif isinstance(value, list):
                total += sum(1 + self._returned(ftype, node.selection_set, v) for v in value)
            else:
                total += 1 + self._returned(ftype, node.selection_set, value)
        return total

    def _returned_nodes(self, conn: GraphQLObjectType, sel_set: SelectionSetNode | None,
                        value: dict[str, Any]) -> int:
        """One point per node returned plus what each node's own selection returned."""
        for node in self._fields(sel_set):
            name = node.name.value
            if name == "nodes":
                node_type = get_named_type(conn.fields["nodes"].type)
                return sum(1 + self._returned(node_type, node.selection_set, v)  # type: ignore[arg-type]
                           for v in value.get(node.alias.value if node.alias else name) or [])
            if name == "edges":
                edge_type = get_named_type(conn.fields["edges"].type)
                for inner in self._fields(node.selection_set):
                    if inner.name.value == "node":
                        node_type = get_named_type(edge_type.fields["node"].type)  # type: ignore[union-attr]
                        edges = value.get(node.alias.value if node.alias else name) or []
                        return sum(1 + self._returned(node_type, inner.selection_set,  # type: ignore[arg-type]
                                                      e.get("node")) for e in edges)
        return 0

    def _object_fields(
        self, parent: GraphQLObjectType, sel_set: SelectionSetNode | None
    ) -> Iterator[tuple[FieldNode, Any, GraphQLObjectType]]:
        """The selected fields that return objects: the only ones that cost points."""
        for node in self._fields(sel_set):
            fdef = parent.fields.get(node.name.value)
            if fdef is None:
                continue
            ftype = get_named_type(fdef.type)
            if isinstance(ftype, GraphQLObjectType) and not is_leaf_type(ftype):
                yield node, fdef, ftype

    def _fields(self, sel_set: SelectionSetNode | None) -> list[FieldNode]:
        out: list[FieldNode] = []
        for sel in sel_set.selections if sel_set else ():
            if isinstance(sel, FieldNode):
                out.append(sel)
            elif isinstance(sel, InlineFragmentNode):
                out.extend(self._fields(sel.selection_set))
            elif isinstance(sel, FragmentSpreadNode) and sel.name.value in self.fragments:
                out.extend(self._fields(self.fragments[sel.name.value].selection_set))
        return out

    def _arg(self, node: FieldNode, name: str) -> Any:
        for arg in node.arguments or ():
            if arg.name.value == name:
                return value_from_ast_untyped(arg.value, self.variables)
        return None

    def _selection(self, parent: GraphQLObjectType, sel_set: SelectionSetNode | None) -> int:
        total = 0
        for node, fdef, ftype in self._object_fields(parent, sel_set):
            size = self._arg(node, "first") or self._arg(node, "last") or 0
            if ftype.name.endswith("Connection"):
                total += 2 + int(size) * self._node_cost(ftype, node.selection_set)
            elif "first" in fdef.args:  # plain list with a size, e.g. refunds(first:)
                total += max(int(size), 1) * (1 + self._selection(ftype, node.selection_set))
            else:
                total += 1 + self._selection(ftype, node.selection_set)
        return total

    def _node_cost(self, conn: GraphQLObjectType, sel_set: SelectionSetNode | None) -> int:
        best = 0
        for node in self._fields(sel_set):
            name = node.name.value
            if name == "nodes":
                node_type = get_named_type(conn.fields["nodes"].type)
                best = max(best, 1 + self._selection(node_type, node.selection_set))  # type: ignore[arg-type]
            elif name == "edges":
                edge_type = get_named_type(conn.fields["edges"].type)
                for inner in self._fields(node.selection_set):
                    if inner.name.value == "node":
                        node_type = get_named_type(edge_type.fields["node"].type)  # type: ignore[union-attr]
                        best = max(best, 1 + self._selection(node_type, inner.selection_set))  # type: ignore[arg-type]
        return best


class LeakyBucket:
    """Points that refill continuously at ``restore_rate`` per second up to ``maximum``."""

    def __init__(self, maximum: float = 2000.0, restore_rate: float = 100.0) -> None:
        self.maximum = maximum
        self.restore_rate = restore_rate
        self._available = maximum
        self._at = time.monotonic()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = time.monotonic()
        self._available = min(self.maximum, self._available + (now - self._at) * self.restore_rate)
        self._at = now

    def take(self, cost: int) -> bool:
        """Charge ``cost`` points; False (nothing charged) when not enough are left."""
        with self._lock:
            self._refill()
            if self._available < cost:
                return False
            self._available -= cost
            return True

    def refund(self, points: int) -> None:
        """Give back points charged but not used."""
        with self._lock:
            self._refill()
            self._available = min(self.maximum, self._available + max(points, 0))

    def status(self) -> dict[str, float]:
        """The ``throttleStatus`` object of ``extensions.cost``."""
        with self._lock:
            self._refill()
            return {
                "maximumAvailable": float(self.maximum),
                "currentlyAvailable": int(self._available),
                "restoreRate": float(self.restore_rate),
            }
