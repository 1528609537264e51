"""Shopify bulk operations (GraphQL Admin API 2025-07), as a sync connector meets them.

`bulkOperationRunQuery(query:)` validates the query, refuses a second query
operation while one runs (`OPERATION_IN_PROGRESS`), then runs it in the
background: `currentBulkOperation` moves CREATED -> RUNNING -> COMPLETED
(or FAILED with an `errorCode` and a `partialDataUrl`), counting objects.
The result is a JSONL file behind a signed URL that needs no access token:
one line per object, nodes of nested connections on lines of their own with
`__parentId`, grouped after their parent. Like Shopify, an operation that
found nothing has no URL, connections take no page size, and a query may
hold at most five connections nested at most two deep.
"""

from __future__ import annotations

import hmac
import itertools
import json
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    parse,
    validate,
    value_from_ast_untyped,
)
from graphql.error import GraphQLError

from sandbox.simulators.shopify_search import search_to_sql

if TYPE_CHECKING:
    from sandbox.simulators.shopify import ShopifySimulator

RESULTS_PATH = "/bulk-results/"
MAX_CONNECTIONS = 5
MAX_DEPTH = 2
BATCH = 1000
_IDS = itertools.count(720918)


class BulkQueryError(ValueError):
    """A query Shopify would refuse as a bulk operation (a userError, not a GraphQL error)."""


@dataclass
class BulkOperation:
    id: str
    query: str
    created_at: str
    status: str = "CREATED"
    error_code: str | None = None
    completed_at: str | None = None
    object_count: int = 0
    root_object_count: int = 0
    file_size: int | None = None
    url: str | None = None
    partial_data_url: str | None = None

    def as_graphql(self) -> dict[str, Any]:
        return {
            "id": self.id, "type": "QUERY", "status": self.status, "errorCode": self.error_code,
            "createdAt": self.created_at, "completedAt": self.completed_at,
            "objectCount": str(self.object_count), "rootObjectCount": str(self.root_object_count),
            "fileSize": None if self.file_size is None else str(self.file_size),
            "url": self.url, "partialDataUrl": self.partial_data_url, "query": self.query,
        }

    @property
    def running(self) -> bool:
        return self.status in ("CREATED", "RUNNING", "CANCELING")


class BulkOperations:
    """The shop's bulk query operations and their result files.

    Knobs for tests: `hold` keeps the next operation RUNNING for that many
    seconds before it starts writing (`release` ends a hold early, so a test
    can order events without racing a clock); `fail_next` ends the next one FAILED
    with that error code after half its objects; `cut_downloads` cuts that
    many result downloads mid-body.
    """

    def __init__(self, sim: ShopifySimulator, results_dir: Path) -> None:
        self.sim = sim
        self.results_dir = results_dir
        self.results_dir.mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()
        self.operations: dict[str, BulkOperation] = {}
        self.current: BulkOperation | None = None
        self.files: dict[str, tuple[Path, str]] = {}  # token -> (file, signature)
        self.public_url = ""
        self.downloads: list[dict[str, bool]] = []
        self.cut_downloads = 0
        self.hold = 0.0
        self._held_until: dict[str, float] = {}
        self.fail_next: str | None = None
        self._key = secrets.token_bytes(16)

    # -- the mutation and queries ---------------------------------------------
    def run_query(self, query: str, group_objects: bool = True) -> dict[str, Any]:
        try:
            root = self._check(query)
        except BulkQueryError as err:
            return _user_error(str(err), "INVALID")
        with self.lock:
            if self.current is not None and self.current.running:
                return _user_error(
                    "A bulk query operation for this app and shop is already in progress: "
                    f"{self.current.id}.", "OPERATION_IN_PROGRESS")
            op = BulkOperation(id=f"gid://shopify/BulkOperation/{next(_IDS)}", query=query,
                               created_at=_now())
            self.operations[op.id] = op
            self.current = op
        hold, self.hold = self.hold, 0.0
        fail, self.fail_next = self.fail_next, None
        threading.Thread(target=self._execute, args=(op, root, hold, fail), daemon=True,
                         name="sim-shop-bulk").start()
        return {"bulkOperation": op.as_graphql(), "userErrors": []}

    def release(self, op_id: str) -> None:
        """End operation `op_id`'s hold now: it goes on to write its result."""
        self._held_until[op_id] = 0.0

    def cancel(self, op_id: str) -> dict[str, Any]:
        op = self.operations.get(op_id)
        if op is None:
            return {"bulkOperation": None,
                    "userErrors": [{"field": ["id"], "message": "Bulk operation does not exist"}]}
        if op.running:
            op.status = "CANCELING"
        return {"bulkOperation": op.as_graphql(), "userErrors": []}

    def current_operation(self) -> dict[str, Any] | None:
        return self.current.as_graphql() if self.current else None

    def result(self, token: str, signature: str | None) -> Path | None:
        """The result file for a URL's token, when its signature is the one issued."""
        entry = self.files.get(token)
        if entry is None or not signature or not hmac.compare_digest(entry[1], signature):
            return None
        return entry[0]

    # -- validation -----------------------------------------------------------
    def _check(self, query: str) -> FieldNode:
        try:
            document = parse(query)
        except GraphQLError as err:
            raise BulkQueryError(f"Invalid bulk query: {err.message}") from err
        errors = validate(self.sim.schema, document)
        if errors:
            raise BulkQueryError(f"Invalid bulk query: {errors[0].message}")
        ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(ops) != 1 or ops[0].operation != OperationType.QUERY:
            raise BulkQueryError("Bulk queries must be a single query operation.")
        if len(document.definitions) != 1:
            raise BulkQueryError("Fragments are not supported by the sandbox's bulk operations.")
        fields = _fields(ops[0].selection_set)
        root_type = self.sim.schema.query_type
        if len(fields) != 1 or not _is_connection(root_type.fields[fields[0].name.value].type):
            raise BulkQueryError("Bulk queries must contain at least one connection.")
        connections = _connections(self.sim.schema.query_type, ops[0].selection_set, 0)
        if len(connections) > MAX_CONNECTIONS:
            raise BulkQueryError(f"Bulk queries cannot contain more than {MAX_CONNECTIONS} "
                                 "connections.")
        if max(connections) > MAX_DEPTH:
            raise BulkQueryError(f"Bulk queries cannot contain connections with a nesting depth "
                                 f"greater than {MAX_DEPTH}.")
        return fields[0]

    # -- running --------------------------------------------------------------
    def _execute(self, op: BulkOperation, root: FieldNode, hold: float, fail: str | None) -> None:
        token = secrets.token_hex(16)
        path = self.results_dir / f"{token}.jsonl"
        op.status = "RUNNING"
        self._held_until[op.id] = time.monotonic() + hold
        while time.monotonic() < self._held_until[op.id] and op.status == "RUNNING":
            time.sleep(0.05)
        total = self._count(root) if fail else 0
        try:
            with path.open("w", encoding="utf-8") as out:
                for line, is_root in self._lines(root):
                    if op.status == "CANCELING":
                        break
                    if fail and op.root_object_count >= total // 2:
                        break
                    out.write(json.dumps(line, separators=(",", ":")) + "\n")
                    op.object_count += 1
                    op.root_object_count += is_root
        except Exception:  # noqa: BLE001 - a failed operation is reported, not raised
            fail = "INTERNAL_SERVER_ERROR"
        op.file_size = path.stat().st_size
        url = self._publish(token, path) if op.object_count else None
        op.completed_at = _now()
        if op.status == "CANCELING":
            op.status = "CANCELED"
        elif fail:
            op.status, op.error_code, op.partial_data_url = "FAILED", fail, url
        else:
            op.status, op.url = "COMPLETED", url

    def _publish(self, token: str, path: Path) -> str:
        signature = hmac.new(self._key, token.encode(), "sha256").hexdigest()
        self.files[token] = (path, signature)
        return (f"{self.public_url}{RESULTS_PATH}{token}.jsonl"
                f"?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Expires=604800"
                f"&X-Goog-Signature={signature}")

    def _root_docs(self, root: FieldNode) -> Iterator[dict[str, Any]]:
        """Every record of the root connection matching its `query`, in id order."""
        spec = {"customers": "customers", "orders": "orders"}[root.name.value]
        search = next((value_from_ast_untyped(a.value) for a in root.arguments or ()
                       if a.name.value == "query"), None)
        where, params = search_to_sql(search)
        last = -1
        while True:
            conds = " AND ".join(c for c in (where, "num > ?") if c)
            docs = self.sim.store.select(spec, conds, [*params, last], order="num ASC",
                                         limit=BATCH)
            yield from docs
            if len(docs) < BATCH:
                return
            last = int(str(docs[-1]["id"]).rsplit("/", 1)[-1])

    def _count(self, root: FieldNode) -> int:
        return sum(1 for _ in self._root_docs(root))

    def _lines(self, root: FieldNode) -> Iterator[tuple[dict[str, Any], bool]]:
        conn_type = get_named_type(self.sim.schema.query_type.fields[root.name.value].type)
        node_type, selection = _node_selection(conn_type, root.selection_set)
        for doc in self._root_docs(root):
            children: list[dict[str, Any]] = []
            yield self._project(doc, selection, node_type, children), True
            for child in children:
                yield child, False

    def _project(self, doc: dict[str, Any], sel: SelectionSetNode | None,
                 gtype: GraphQLObjectType, children: list[dict[str, Any]]) -> dict[str, Any]:
        """`doc` shaped by the selection; nested connection nodes go to `children`."""
        out: dict[str, Any] = {}
        for node in _fields(sel):
            name = node.name.value
            key = node.alias.value if node.alias else name
            if name == "__typename":
                out[key] = gtype.name
                continue
            fdef = gtype.fields[name]
            value = self._resolve(doc, gtype.name, name)
            ftype = get_named_type(fdef.type)
            if _is_connection(fdef.type):
                child_type, child_sel = _node_selection(ftype, node.selection_set)
                items = value.get("nodes", []) if isinstance(value, dict) else list(value or [])
                for item in items:
                    line = self._project(item, child_sel, child_type, children)
                    line["__parentId"] = doc.get("id")
                    children.append(line)
            elif value is None or not isinstance(ftype, GraphQLObjectType):
                out[key] = value
            elif _is_list(fdef.type):
                first = _int_arg(node, "first")
                out[key] = [self._project(v, node.selection_set, ftype, children)
                            for v in value[:first]]
            else:
                out[key] = self._project(value, node.selection_set, ftype, children)
        return out

    def _resolve(self, doc: dict[str, Any], type_name: str, field: str) -> Any:
        value = doc.get(field)
        if type_name == "Order" and field == "customer" and value:
            return self.sim.store.get("customers", value["id"]) or value
        return value


def _user_error(message: str, code: str) -> dict[str, Any]:
    return {"bulkOperation": None,
            "userErrors": [{"field": ["query"], "message": message, "code": code}]}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _fields(sel: SelectionSetNode | None) -> list[FieldNode]:
    return [s for s in (sel.selections if sel else ()) if isinstance(s, FieldNode)]


def _unwrap(gtype: Any) -> Any:
    return gtype.of_type if isinstance(gtype, GraphQLNonNull) else gtype


def _is_list(gtype: Any) -> bool:
    return isinstance(_unwrap(gtype), GraphQLList)


def _is_connection(gtype: Any) -> bool:
    return get_named_type(gtype).name.endswith("Connection")


def _int_arg(node: FieldNode, name: str) -> int | None:
    for arg in node.arguments or ():
        if arg.name.value == name:
            return int(arg.value.value)  # type: ignore[attr-defined]
    return None


def _node_selection(conn: GraphQLObjectType, sel: SelectionSetNode | None
                    ) -> tuple[GraphQLObjectType, SelectionSetNode | None]:
    """The node type of a connection and the selection made on its nodes."""
    for node in _fields(sel):
        if node.name.value == "nodes":
            return get_named_type(conn.fields["nodes"].type), node.selection_set  # type: ignore[return-value]
        if node.name.value == "edges":
            edge = get_named_type(conn.fields["edges"].type)
            for inner in _fields(node.selection_set):
                if inner.name.value == "node":
                    return get_named_type(edge.fields["node"].type), inner.selection_set  # type: ignore[union-attr,return-value]
    raise BulkQueryError("A connection in a bulk query must select edges { node } or nodes.")


def _connections(gtype: GraphQLObjectType, sel: SelectionSetNode | None, depth: int) -> list[int]:
    """The nesting depth of every connection under `sel` (1 for a root connection)."""
    found: list[int] = []
    for node in _fields(sel):
        fdef = gtype.fields.get(node.name.value)
        if fdef is None:
            continue
        ftype = get_named_type(fdef.type)
        if not isinstance(ftype, GraphQLObjectType):
            continue
        if _is_connection(fdef.type):
            found.append(depth + 1)
            node_type, node_sel = _node_selection(ftype, node.selection_set)
            found.extend(_connections(node_type, node_sel, depth + 1))
        else:
            found.extend(_connections(ftype, node.selection_set, depth))
    return found
