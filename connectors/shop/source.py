"""Shopify GraphQL Admin API source: customers and orders, incremental on updatedAt.

The REST Admin API is legacy, so this reads GraphQL connections. The cursor
travels in the POST body (`variables.after`), which dlt's
JSONResponseCursorPaginator handles with `cursor_body_path`; the incremental
boundary is inclusive (`updated_at:>=`) because many records share a second,
and dlt's incremental skips only boundary rows it saw unchanged (see
connectors/boundary.py); merge on `id` absorbs the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import dlt
from dlt.sources import DltResource
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import APIKeyAuth
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator
from requests import Response

from connectors.boundary import whole_row
from connectors.child_tables import ChildTable, SplitChildTables
from connectors.deletions import deletions_resource
from connectors.errors import ApiError, source_errors
from connectors.hints import columns
from connectors.http import RetryPolicy, check_base_url, json_path, make_session
from connectors.parsed_timestamps import EACH, TimestampsParsed
from connectors.quarantine import quarantine_null_keys
from connectors.shop import queries, throttle
from connectors.shop.bulk import BulkReader

logger = logging.getLogger(__name__)

SOURCE = "shop"
MAX_QUERY_COST = 1000  # Shopify refuses single queries above this cost
#: changed records from which an incremental read is a bulk operation: ten pages of 250
BULK_FROM = 2500

# The incremental cursor, named as the API sends it: dlt hints the cursor column
# under this name too, and a hint on `updated_at` beside it made dlt warn about
# two columns colliding on every sync.
CURSOR = "updatedAt"
CONSENT = ("marketing_state", "marketing_opt_in_level")
CUSTOMER_COLUMNS = columns(
    text=(
        "id", "first_name", "last_name", "email", "phone", "state",
        "amount_spent__amount", "amount_spent__currency_code",
        *(f"default_address__{f}" for f in (
            "address1", "address2", "city", "province", "zip", "country_code_v2", "phone")),
        *(f"{kind}_marketing_consent__{f}" for kind in ("email", "sms") for f in CONSENT),
    ),
    bool=("verified_email",),
    bigint=("number_of_orders",),
    timestamp=(
        "created_at", CURSOR,
        "email_marketing_consent__consent_updated_at",
        "sms_marketing_consent__consent_updated_at",
    ),
)
CUSTOMER_OBJECTS = ("defaultAddress", "emailMarketingConsent", "smsMarketingConsent", "amountSpent")
ORDER_COLUMNS = columns(
    text=(
        "id", "name", "email", "phone", "display_financial_status",
        "display_fulfillment_status", "currency_code", "customer__id",
        "total_price_set__shop_money__amount", "total_price_set__shop_money__currency_code",
    ),
    timestamp=("created_at", CURSOR, "processed_at", "cancelled_at"),
)
CUSTOMER_LISTS = (
    ChildTable("tags", "customers__tags", "customer_id", columns(text=("value",))),
)
ORDER_LISTS = (
    ChildTable("lineItems", "orders__line_items", "order_id", columns(
        text=("id", "sku", "name", "original_unit_price_set__shop_money__amount",
              "original_unit_price_set__shop_money__currency_code"),
        bigint=("quantity",),
    )),
    ChildTable("refunds", "orders__refunds", "order_id", columns(
        text=("id", "total_refunded_set__shop_money__amount",
              "total_refunded_set__shop_money__currency_code"),
        timestamp=("created_at",),
    )),
)


def _iso(value: str | datetime | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def raise_graphql_errors(response: Response) -> None:
    """GraphQL reports failures with HTTP 200; surface them as HTTP errors.

    Raised inside the retry loop, so THROTTLED (which the session's predicate
    recognises from `exc.response`) is retried and anything else fails loudly
    instead of ending pagination with a silently empty page.
    """
    if response.status_code != 200:
        return
    try:
        body = response.json()
    except ValueError:
        return
    if isinstance(body, dict) and body.get("errors"):
        errors = [e for e in body["errors"] if isinstance(e, dict)]
        codes = sorted({str((e.get("extensions") or {}).get("code", "ERROR")) for e in errors})
        first = errors[0].get("message", "") if errors else str(body["errors"])
        message = f"GraphQL errors: {', '.join(codes)}: {first[:200]}"
        if "MAX_COST_EXCEEDED" in codes:
            cost = (errors[0].get("extensions") or {}).get("cost")
            raise CostExceeded(message, cost=cost, response=response)
        raise ApiError(message, response=response)


class CostExceeded(ApiError):
    """The query asked for more than Shopify's single-query cost ceiling."""

    def __init__(self, message: str, cost: Any, response: Response) -> None:
        super().__init__(message, response=response)
        self.cost = cost if isinstance(cost, int | float) else None


class ShopClient:
    """One session and RESTClient for the shop; runs paginated GraphQL queries."""

    def __init__(
        self, base_url: str, access_token: str, api_version: str, policy: RetryPolicy | None
    ) -> None:
        self.secrets = (access_token,)
        session = make_session(
            policy=policy,
            retry_if=[throttle.is_throttled],
            wait_hints=[throttle.bucket_wait],
            observers=[raise_graphql_errors, throttle.pace],
            secrets=self.secrets,
        )
        self.rest = RESTClient(
            base_url=f"{check_base_url(base_url)}/admin/api/{api_version}",
            auth=APIKeyAuth(name="X-Shopify-Access-Token", api_key=access_token),
            session=session,
        )

    def execute(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """One GraphQL request's `data` (errors raise inside the retry loop)."""
        response = self.rest.post("graphql.json", json={"query": query, "variables": variables})
        response.raise_for_status()
        return response.json().get("data") or {}

    def pages(
        self, stream: str, query: str, variables: dict[str, Any], connection: str
    ) -> Iterator[list[dict[str, Any]]]:
        """Yield the nodes of `connection` page by page."""
        paginator = JSONResponseCursorPaginator(
            cursor_path=f"data.{connection}.pageInfo.endCursor",
            cursor_body_path="variables.after",
            has_more_path=f"data.{connection}.pageInfo.hasNextPage",
        )
        body = {"query": query, "variables": dict(variables)}
        started = False
        with source_errors(SOURCE, stream, self.secrets):
            while True:
                try:
                    for page in self.rest.paginate(
                        "graphql.json",
                        method="POST",
                        json=body,
                        paginator=paginator,
                        data_selector=json_path(f"data.{connection}.edges[*].node"),
                    ):
                        started = True
                        yield list(page)
                    return
                except CostExceeded as exc:
                    if started or not exc.cost or body["variables"].get("first", 1) <= 1:
                        raise
                    self._shrink(stream, body["variables"], exc.cost)

    @staticmethod
    def _shrink(stream: str, variables: dict[str, Any], cost: float) -> None:
        """Scale the page size so the query's cost fits under Shopify's ceiling."""
        old = variables["first"]
        variables["first"] = max(1, int(old * MAX_QUERY_COST * 0.95 // cost))
        logger.info(
            "shop %s: query cost %s exceeds %s; page size %s -> %s",
            stream, cost, MAX_QUERY_COST, old, variables["first"],
        )


def _unwrap(connection: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [edge["node"] for edge in (connection or {}).get("edges") or []]


def _drop_null_objects(page: list[dict[str, Any]], fields: tuple[str, ...]) -> list[dict]:
    """Remove absent nested objects so dlt does not declare an empty column for them.

    Their leaf columns (`default_address__city`, ...) are declared by hints and
    stay NULL; a bare `default_address` column would never receive data.
    """
    for node in page:
        for field in fields:
            if field in node and node[field] is None:
                del node[field]
    return page


def _first_load(cursor: Any) -> bool:
    """No stored cursor and no range asked for: the whole stream is read (bulk's case)."""
    return cursor.start_value is None and cursor.end_value is None


def _search(cursor: str | None) -> str | None:
    return f"updated_at:>='{cursor}'" if cursor else None


def _many_changed(client: ShopClient, connection: str, cursor: Any, search: str | None,
                  bulk_from: int | None) -> bool:
    """Whether an incremental read selects at least `bulk_from` records (one cheap count).

    Paging costs rate-limit points per record: a standard plan restores 100 a
    second, so a day of busy changes would take minutes of waiting. A bulk
    operation costs none but takes seconds to start, so it pays only for
    large change sets. Backfills (`end_value`) always page.
    """
    if bulk_from is None or cursor.end_value is not None:
        return False
    with source_errors(SOURCE, connection, client.secrets):
        data = client.execute(queries.COUNT.format(connection=connection),
                              {"query": search, "limit": bulk_from})
    return int((data.get(f"{connection}Count") or {}).get("count") or 0) >= bulk_from


def customers_resource(
    client: ShopClient,
    page_size: int,
    start_date: str | None,
    end_date: str | None = None,
    bulk: BulkReader | None = None,
    bulk_from: int | None = None,
) -> DltResource:
    """Customers; a first load (no cursor, no range), or an incremental one selecting at
    least `bulk_from` records, goes through `bulk` when given."""

    @dlt.resource(
        name="customers",
        primary_key="id",
        write_disposition="merge",
        columns=CUSTOMER_COLUMNS,
    )
    def customers(
        updated_at: dlt.sources.incremental[str] = dlt.sources.incremental(  # noqa: B008 - dlt idiom
            CURSOR, initial_value=start_date, end_value=end_date, primary_key=whole_row
        ),
    ) -> Iterator[list[dict[str, Any]]]:
        search = _search(updated_at.start_value)
        if bulk and (_first_load(updated_at)
                     or _many_changed(client, "customers", updated_at, search, bulk_from)):
            query = queries.bulk_query("customers", queries.CUSTOMER_FIELDS, search)
            pages = bulk.pages("customers", query)
        else:
            variables = {"first": page_size, "query": search}
            pages = client.pages("customers", queries.CUSTOMERS, variables, "customers")
        for page in pages:
            yield _drop_null_objects(page, CUSTOMER_OBJECTS)

    return customers.add_step(TimestampsParsed(
        ("createdAt",), ("updatedAt",), ("emailMarketingConsent", "consentUpdatedAt"),
        ("smsMarketingConsent", "consentUpdatedAt"))).add_step(
        SplitChildTables(CUSTOMER_COLUMNS, CUSTOMER_LISTS))


def orders_resource(
    client: ShopClient,
    page_size: int,
    line_items_page_size: int,
    start_date: str | None,
    end_date: str | None = None,
    bulk: BulkReader | None = None,
    bulk_from: int | None = None,
) -> DltResource:
    """Orders with line items and refunds; a first load, or an incremental one selecting
    at least `bulk_from` records, goes through `bulk` when given."""

    @dlt.resource(
        name="orders",
        primary_key="id",
        write_disposition="merge",
        columns=ORDER_COLUMNS,
    )
    def orders(
        updated_at: dlt.sources.incremental[str] = dlt.sources.incremental(  # noqa: B008 - dlt idiom
            CURSOR, initial_value=start_date, end_value=end_date, primary_key=whole_row
        ),
    ) -> Iterator[list[dict[str, Any]]]:
        search = _search(updated_at.start_value)
        if bulk and (_first_load(updated_at)
                     or _many_changed(client, "orders", updated_at, search, bulk_from)):
            query = queries.bulk_query("orders", queries.BULK_ORDER_FIELDS, search)
            for page in bulk.pages("orders", query, child_field="lineItems"):
                yield _drop_null_objects(page, ("customer",))
            return
        variables = {"first": page_size, "query": search, "lineItemsFirst": line_items_page_size}
        for page in client.pages("orders", queries.ORDERS, variables, "orders"):
            for order in page:
                order["lineItems"] = _line_items(client, order, line_items_page_size)
            yield _drop_null_objects(page, ("customer",))

    return orders.add_step(TimestampsParsed(
        ("createdAt",), ("updatedAt",), ("processedAt",), ("cancelledAt",),
        ("refunds", EACH, "createdAt"))).add_step(SplitChildTables(ORDER_COLUMNS, ORDER_LISTS))


def _line_items(client: ShopClient, order: dict[str, Any], page_size: int) -> list[dict]:
    """Unwrap the lineItems connection to a list, fetching pages beyond the first."""
    connection = order.get("lineItems") or {}
    items = _unwrap(connection)
    info = connection.get("pageInfo") or {}
    if info.get("hasNextPage"):
        variables = {"id": order["id"], "first": page_size, "after": info.get("endCursor")}
        for more in client.pages(
            "orders", queries.ORDER_LINE_ITEMS, variables, "order.lineItems"
        ):
            items.extend(more)
    return items


@dlt.source(name=SOURCE)
def shop_source(
    base_url: str = dlt.config.value,
    access_token: str = dlt.secrets.value,
    api_version: str = "2025-07",
    page_size: int = 250,
    start_date: str | None = None,
    line_items_page_size: int = 5,
    retry_policy: Any = None,
    end_date: str | datetime | None = None,
    detect_deletions: bool = True,
    reconcile_every: timedelta | None = None,
    bulk: bool = True,
    bulk_from: int | None = BULK_FROM,
) -> list[DltResource]:
    """Customers and orders from a Shopify store (GraphQL Admin API).

    `start_date` (ISO 8601) bounds the first load; later loads resume from
    dlt's stored `updatedAt` cursor. With `end_date` as well, the range
    [start, end) is re-read and merged without touching the stored cursor
    (a backfill). `retry_policy` is a `RetryPolicy`.

    `detect_deletions` lists every live customer and order id (about one cost
    point per record, minutes for a large standard-plan shop) to find records
    deleted since the last check; `reconcile_every` runs that listing only
    when the last one is at least that old (None: on every sync).

    `bulk` reads first loads, full refreshes and id listings through bulk
    operations (one JSONL file per stream, no per-record cost points);
    Incremental syncs page through the GraphQL connections, unless a count
    finds at least `bulk_from` changed records (None: always page); backfills page.

    A record whose `id` is empty goes to `quarantine` with the reason
    (connectors/quarantine.py), in every path that builds this source.
    """
    client = ShopClient(base_url, access_token, api_version, retry_policy)
    reader = BulkReader(client, retry_policy) if bulk else None
    start, end = _iso(start_date), _iso(end_date)
    resources = [
        customers_resource(client, page_size, start, end, reader, bulk_from),
        orders_resource(client, page_size, line_items_page_size, start, end, reader, bulk_from),
    ]
    if detect_deletions:
        resources.append(deletions_resource({
            "customers": lambda: _ids(client, reader, "customers"),
            "orders": lambda: _ids(client, reader, "orders"),
        }, every=reconcile_every))
    quarantine_null_keys(resources, SOURCE)  # a record without an id: raw_shop.quarantine
    return resources


def _ids(client: ShopClient, reader: BulkReader | None, connection: str
         ) -> Iterator[list[str]]:
    """Every live id of a connection: one bulk file, or pages of 250 (about 250 points each)."""
    if reader is not None:
        query = queries.IDS_BULK.format(connection=connection)
        for page in reader.pages(connection, query):
            yield [node["id"] for node in page]
        return
    query = queries.IDS.format(connection=connection)
    for page in client.pages(connection, query, {"first": 250}, connection):
        yield [node["id"] for node in page]
