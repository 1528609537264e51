"""Shopify GraphQL Admin API (2025-07) simulator.

Reproduces what a sync connector meets: token auth, connections with opaque
keyset cursors, ``first``/``last`` capped at 250, the ``query`` search filter on
``updated_at``/``created_at``, sort keys, calculated query cost with a leaky
bucket (``extensions.cost`` on every response, ``THROTTLED`` when empty,
``MAX_COST_EXCEEDED`` above 1000), and Shopify-shaped errors.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from graphql import GraphQLError, OperationType, execute, parse, validate

from sandbox.simulators import shopify_schema
from sandbox.simulators.base import DROP, Request, Response, Simulator, start
from sandbox.simulators.faults import Fault
from sandbox.simulators.mutation import numeric_id
from sandbox.simulators.shopify_bulk import RESULTS_PATH, BulkOperations
from sandbox.simulators.shopify_cost import LeakyBucket, QueryCost
from sandbox.simulators.shopify_search import search_to_sql
from sandbox.simulators.store import Collection

API_PATH = "/admin/api/2025-07/graphql.json"
MAX_PAGE = 250
MAX_COST = 1000
MUTATION_COST = 10
DOCS = "https://shopify.dev/api/usage/rate-limits"
SORT_COLUMNS = {"UPDATED_AT": "updated_at", "CREATED_AT": "created_at", "ID": "num",
                "PROCESSED_AT": "processed_at"}


def _ts(field: str):
    from sandbox.simulators.timefmt import sort_key

    return lambda d: sort_key(d.get(field))


CUSTOMERS = Collection(
    name="customers", file="shop/customers.jsonl", key=lambda d: d["id"],
    columns={"num": lambda d: numeric_id(d["id"]), "updated_at": _ts("updatedAt"),
             "created_at": _ts("createdAt"), "email": lambda d: (d.get("email") or "").lower()},
    indexes=(("num",), ("updated_at", "num"), ("created_at", "num")),
)
ORDERS = Collection(
    name="orders", file="shop/orders.jsonl", key=lambda d: d["id"],
    columns={"num": lambda d: numeric_id(d["id"]), "updated_at": _ts("updatedAt"),
             "created_at": _ts("createdAt"),
             "processed_at": lambda d: _ts("processedAt")(d) or _ts("createdAt")(d),
             "email": lambda d: (d.get("email") or "").lower()},
    indexes=(("num",), ("updated_at", "num"), ("created_at", "num"), ("processed_at", "num")),
)


class ShopifySimulator(Simulator):
    """Serves ``shop/customers.jsonl`` and ``shop/orders.jsonl`` over GraphQL."""

    source = "shop"
    collections = (CUSTOMERS, ORDERS)

    def __init__(
        self,
        world_dir: Path | None,
        db_path: Path,
        token: str = "shpat_sandbox",
        bucket_size: float = 2000.0,
        restore_rate: float = 100.0,
    ) -> None:
        super().__init__(world_dir, db_path)
        self.token = token
        self.bucket = LeakyBucket(bucket_size, restore_rate)
        self.schema = shopify_schema.build()
        self.bulk = BulkOperations(self, Path(db_path).with_suffix(".bulk"))
        _attach_resolvers(self)

    def throttle_response(self, fault: Fault) -> Response:
        """Shopify's REST-style 429 (what a proxy-level throttle returns)."""
        retry = fault.retry_after if fault.retry_after is not None else 2.0
        return Response(429, {"errors": "Exceeded 2 calls per second for api client. "
                                        "Reduce request rates to resume uninterrupted service."},
                        {"Retry-After": f"{float(retry):.1f}"})

    def server_error_response(self, status: int) -> Response:
        """Shopify answers unexpected failures with a JSON ``errors`` string."""
        text = {502: "Bad Gateway", 503: "Service Unavailable"}.get(status, "Internal Server Error")
        return Response(status, {"errors": text})

    def handle(self, req: Request) -> Response:
        """Route, authenticate and run one GraphQL request."""
        if req.path.startswith(RESULTS_PATH) and req.method == "GET":
            return self._bulk_result(req)
        if req.path != API_PATH:
            return Response(404, {"errors": "Not Found"})
        if req.method != "POST":
            return Response(405, {"errors": "Method Not Allowed"})
        if req.header("X-Shopify-Access-Token") != self.token:
            return Response(401, {"errors": "[API] Invalid API key or access token "
                                            "(unrecognized login or wrong password)"})
        try:
            payload = req.json()
            query = payload["query"]
        except (ValueError, KeyError, TypeError):
            return Response(400, {"errors": {"query": "Required parameter missing or invalid"}})
        return Response(200, self.run(query, payload.get("variables"),
                                      payload.get("operationName")))

    def _bulk_result(self, req: Request) -> Response:
        """A bulk result file behind its signed URL: no access token, like cloud storage."""
        token = req.path.removeprefix(RESULTS_PATH).removesuffix(".jsonl")
        # what a test asserts: the storage host must never receive the shop's token
        self.bulk.downloads.append({"token_sent": req.header("X-Shopify-Access-Token") is not None})
        path = self.bulk.result(token, req.arg("X-Goog-Signature"))
        if path is not None and self.bulk.cut_downloads > 0:
            self.bulk.cut_downloads -= 1
            return DROP
        if path is None:
            return Response(403, "<?xml version='1.0' encoding='UTF-8'?><Error>"
                                 "<Code>SignatureDoesNotMatch</Code></Error>",
                            content_type="application/xml; charset=UTF-8")
        return Response(200, path, content_type="application/jsonl")

    def run(self, query: str, variables: dict | None, operation: str | None) -> dict:
        """Parse, validate, charge the bucket, execute, refund: Shopify's order of work."""
        try:
            document = parse(query)
        except GraphQLError as err:
            return {"errors": [_format(err)]}
        errors = validate(self.schema, document)
        if errors:
            return {"errors": [_format(e) for e in errors]}
        cost = QueryCost(self.schema, document, variables)
        is_mutation = _is_mutation(document)
        # Shopify charges every mutation a flat 10 points.
        requested = MUTATION_COST if is_mutation else cost.total()
        if requested > MAX_COST:
            return {"errors": [{
                "message": f"Query cost is {requested}, which exceeds the single query max "
                           f"cost limit ({MAX_COST}).\n\nSee {DOCS} for more information on how "
                           "the cost of a query is calculated.\n\nTo query larger amounts of data "
                           "with fewer limits, bulk operations should be used instead.",
                "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested,
                               "maxCost": MAX_COST, "documentation": DOCS},
            }], "extensions": self._cost(requested, None)}
        if not self.bucket.take(requested):
            return {"errors": [{"message": "Throttled",
                                "extensions": {"code": "THROTTLED", "documentation": DOCS}}],
                    "extensions": self._cost(requested, None)}
        result = execute(self.schema, document, variable_values=variables,
                         operation_name=operation)
        actual = requested if is_mutation else min(cost.actual(result.data), requested)
        self.bucket.refund(requested - actual)
        out: dict[str, Any] = {}
        if result.errors:
            out["errors"] = [_format(e) for e in result.errors]
        if result.data is not None:
            out["data"] = result.data
        out["extensions"] = self._cost(requested, actual)
        return out

    def _cost(self, requested: int, actual: int | None) -> dict:
        return {"cost": {"requestedQueryCost": requested, "actualQueryCost": actual,
                         "throttleStatus": self.bucket.status()}}


def _is_mutation(document: Any) -> bool:
    return any(getattr(d, "operation", None) == OperationType.MUTATION
               for d in document.definitions)


def _format(err: GraphQLError) -> dict:
    out: dict[str, Any] = {"message": err.message}
    if err.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in err.locations]
    if err.path:
        out["path"] = list(err.path)
    if err.extensions:
        out["extensions"] = err.extensions
    return out


def encode_cursor(value: Any, num: int) -> str:
    """Shopify-style opaque cursor: base64 JSON of the last id and sort value."""
    raw = json.dumps({"last_id": num, "last_value": value}, separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[Any, int]:
    """The (sort value, id) a cursor points at; GraphQLError when it is not ours."""
    try:
        data = json.loads(base64.b64decode(cursor.encode(), validate=True))
        return data["last_value"], int(data["last_id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise GraphQLError("Invalid cursor for current pagination sort.",
                           extensions={"code": "BAD_REQUEST"}) from exc


def _page_args(args: dict) -> tuple[int, bool]:
    first, last = args.get("first"), args.get("last")
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last",
                           extensions={"code": "BAD_REQUEST"})
    if first is not None and last is not None:
        raise GraphQLError("providing both first and last is not supported",
                           extensions={"code": "BAD_REQUEST"})
    size = first if first is not None else last
    if size < 0 or size > MAX_PAGE:
        which = "first" if first is not None else "last"
        raise GraphQLError(f"The '{which}' argument must be between 0 and {MAX_PAGE}.",
                           extensions={"code": "BAD_REQUEST", "argumentName": which})
    return size, first is not None


def paginate(sim: ShopifySimulator, spec: Collection, args: dict) -> dict:
    """A connection over a collection with keyset cursors on (sort column, id)."""
    size, forward = _page_args(args)
    col = SORT_COLUMNS.get(args.get("sortKey") or "ID", "num")
    reverse = bool(args.get("reverse"))
    where, params = search_to_sql(args.get("query"))
    conds, cparams = ([where], list(params)) if where else ([], [])

    def bound(cursor: str, after: bool) -> None:
        value, num = decode_cursor(cursor)
        op = ">" if after != reverse else "<"
        conds.append(f"({col}, num) {op} (?, ?)")
        cparams.extend([value, num])

    if args.get("after"):
        bound(args["after"], True)
    if args.get("before"):
        bound(args["before"], False)
    ascending = forward != reverse
    direction = "ASC" if ascending else "DESC"
    docs = sim.store.select(spec.name, " AND ".join(conds), cparams,
                            order=f"{col} {direction}, num {direction}", limit=size + 1)
    more = len(docs) > size
    docs = docs[:size]
    if not forward:
        docs.reverse()
    extract = spec.columns[col]
    edges = [{"cursor": encode_cursor(extract(d), numeric_id(d["id"])), "node": d} for d in docs]
    has_next = more if forward else bool(args.get("before"))
    has_prev = bool(args.get("after")) if forward else more
    return {
        "edges": edges,
        "nodes": docs,
        "pageInfo": {
            "hasNextPage": has_next, "hasPreviousPage": has_prev,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def _attach_resolvers(sim: ShopifySimulator) -> None:
    """Wire root fields to the store; nested fields resolve from the record dicts."""
    fields = sim.schema.query_type.fields  # type: ignore[union-attr]

    def connection(spec: Collection):
        def resolve(_root: Any, info: Any, **args: Any) -> dict:
            return paginate(sim, spec, args)
        return resolve

    def count(spec: Collection):
        def resolve(_root: Any, _info: Any, query: str | None = None,
                    limit: int | None = 10000) -> dict:
            where, params = search_to_sql(query)
            n = sim.store.count(spec.name, where, params)
            if limit is not None and n > limit:
                return {"count": limit, "precision": "AT_LEAST"}
            return {"count": n, "precision": "EXACT"}
        return resolve

    fields["customers"].resolve = connection(CUSTOMERS)
    fields["orders"].resolve = connection(ORDERS)
    fields["customersCount"].resolve = count(CUSTOMERS)
    fields["ordersCount"].resolve = count(ORDERS)
    fields["customer"].resolve = lambda _r, _i, id: sim.store.get("customers", id)  # noqa: A006
    fields["order"].resolve = lambda _r, _i, id: sim.store.get("orders", id)  # noqa: A006
    fields["currentBulkOperation"].resolve = lambda _r, _i, type="QUERY": (  # noqa: A006
        sim.bulk.current_operation() if type == "QUERY" else None)
    mutations = sim.schema.mutation_type.fields  # type: ignore[union-attr]
    mutations["bulkOperationRunQuery"].resolve = (
        lambda _r, _i, query, groupObjects=True: sim.bulk.run_query(query, groupObjects))  # noqa: N803
    mutations["bulkOperationCancel"].resolve = lambda _r, _i, id: sim.bulk.cancel(id)  # noqa: A006

    order = sim.schema.type_map["Order"].fields  # type: ignore[union-attr]
    order["customer"].resolve = lambda o, _i: (
        (sim.store.get("customers", o["customer"]["id"]) or o["customer"])
        if o.get("customer") else None
    )
    order["lineItems"].resolve = _line_items
    order["refunds"].resolve = lambda o, _i, first=None: (o.get("refunds") or [])[:first]
    sim.schema.type_map["Customer"].fields["addresses"].resolve = (  # type: ignore[union-attr]
        lambda c, _i, first=None: (c.get("addresses") or [])[:first]
    )


def _line_items(order: dict, _info: Any, **args: Any) -> dict:
    """lineItems as a connection over the order's embedded list (offset cursors)."""
    size, forward = _page_args(args)
    raw = order.get("lineItems") or []
    items = raw.get("nodes", []) if isinstance(raw, dict) else list(raw)
    idx = list(range(len(items)))
    if args.get("reverse"):
        idx.reverse()
    if args.get("after"):
        pos = int(base64.b64decode(args["after"]).decode().split(":")[1])
        idx = idx[idx.index(pos) + 1:] if pos in idx else []
    if args.get("before"):
        pos = int(base64.b64decode(args["before"]).decode().split(":")[1])
        idx = idx[: idx.index(pos)] if pos in idx else idx
    page = idx[:size] if forward else idx[-size:] if size else []
    edges = [{"cursor": base64.b64encode(f"li:{i}".encode()).decode(), "node": items[i]}
             for i in page]
    return {"edges": edges, "nodes": [items[i] for i in page], "pageInfo": {
        "hasNextPage": bool(page) and page[-1] != idx[-1],
        "hasPreviousPage": bool(page) and page[0] != idx[0],
        "startCursor": edges[0]["cursor"] if edges else None,
        "endCursor": edges[-1]["cursor"] if edges else None,
    }}


def start_shop(world_dir: Path, **options: Any):
    """Start the Shopify simulator; options: token, bucket_size, restore_rate, db_path."""
    handle = start(ShopifySimulator, world_dir, **options)
    handle.simulator.bulk.public_url = handle.root_url  # type: ignore[attr-defined]
    return handle
