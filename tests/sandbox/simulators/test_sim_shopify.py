"""Shopify GraphQL simulator: auth, cursors, search filter, cost and errors."""

from __future__ import annotations

import requests
from sim_world import read

PATH = "/admin/api/2025-07/graphql.json"
TOKEN = {"X-Shopify-Access-Token": "shpat_sandbox"}
PAGE = """query($after: String, $q: String, $sort: CustomerSortKeys) {
  customers(first: 100, after: $after, query: $q, sortKey: $sort) {
    edges { cursor node { id updatedAt } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}"""


def gql(handle, query: str, variables: dict | None = None, headers: dict | None = None):
    return requests.post(handle.base_url + PATH, json={"query": query, "variables": variables},
                         headers=TOKEN if headers is None else headers, timeout=10)


def read_all(handle, q: str | None = None, sort: str = "UPDATED_AT") -> list[dict]:
    out, after = [], None
    while True:
        body = gql(handle, PAGE, {"after": after, "q": q, "sort": sort}).json()
        conn = body["data"]["customers"]
        out += [e["node"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            return out
        after = conn["pageInfo"]["endCursor"]


def test_bad_token_gets_shopify_401(shop):
    resp = gql(shop, "{ customers(first: 1) { nodes { id } } }", headers={})
    assert resp.status_code == 401
    assert resp.json() == {"errors": "[API] Invalid API key or access token "
                                     "(unrecognized login or wrong password)"}


def test_pagination_returns_every_customer_once(shop, world):
    nodes = read_all(shop)
    ids = [n["id"] for n in nodes]
    assert len(ids) == len(set(ids))
    assert set(ids) == {c["id"] for c in read(world, "shop/customers.jsonl")}
    stamps = [(n["updatedAt"], int(n["id"].rsplit("/", 1)[1])) for n in nodes]
    assert stamps == sorted(stamps)


def test_updated_at_filter_is_inclusive_across_ties(shop, world):
    boundary = "2025-01-01T00:10:00Z"  # three customers share this second
    got = {n["id"] for n in read_all(shop, q=f"updated_at:>='{boundary}'")}
    want = {c["id"] for c in read(world, "shop/customers.jsonl") if c["updatedAt"] >= boundary}
    assert got == want
    strict = {n["id"] for n in read_all(shop, q=f"updated_at:>{boundary}")}
    assert len(want) - len(strict) == 3


def test_cursors_are_opaque_and_keyset(shop):
    body = gql(shop, PAGE, {"sort": "ID"}).json()
    cursor = body["data"]["customers"]["pageInfo"]["endCursor"]
    assert "Customer" not in cursor
    bad = gql(shop, PAGE, {"after": "not-a-cursor"}).json()
    assert bad["errors"][0]["path"] == ["customers"]


def test_first_above_250_is_rejected(shop):
    body = gql(shop, "{ customers(first: 251) { nodes { id } } }").json()
    assert "between 0 and 250" in body["errors"][0]["message"]
    assert "data" not in body or body["data"] is None


def test_cost_extensions_and_only_selected_fields(shop):
    body = gql(shop, "{ customers(first: 10) { nodes { id email amountSpent { amount } } } }")
    payload = body.json()
    node = payload["data"]["customers"]["nodes"][0]
    assert set(node) == {"id", "email", "amountSpent"}
    cost = payload["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 2 + 10 * 2
    assert cost["throttleStatus"]["maximumAvailable"] == 2000.0
    assert cost["throttleStatus"]["restoreRate"] == 100.0


def test_max_cost_exceeded_for_nested_connections(shop):
    query = "{ orders(first: 250) { nodes { id lineItems(first: 50) { nodes { id } } } } }"
    body = gql(shop, query).json()
    assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert body["extensions"]["cost"]["requestedQueryCost"] > 1000


def test_bucket_empties_into_throttled(world):
    from sandbox.simulators import start_shop

    handle = start_shop(world, bucket_size=600, restore_rate=1)
    try:
        query = "{ customers(first: 250) { nodes { id defaultAddress { city } } } }"
        first = gql(handle, query).json()
        assert "data" in first
        second = gql(handle, query)
        assert second.status_code == 200
        error = second.json()["errors"][0]
        assert error["message"] == "Throttled"
        assert error["extensions"]["code"] == "THROTTLED"
        assert second.json()["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] < 502
    finally:
        handle.stop()


def test_parse_and_validation_errors_have_locations(shop):
    syntax = gql(shop, "{ customers(first: 1) { nodes { id }").json()
    assert syntax["errors"][0]["locations"][0]["line"] == 1
    unknown = gql(shop, "{ customers(first: 1) { nodes { nope } } }").json()
    assert "nope" in unknown["errors"][0]["message"]


def test_orders_line_items_connection_and_customer(shop):
    query = """{ orders(first: 2, sortKey: ID) { nodes { id customer { email }
      lineItems(first: 2) { nodes { sku } pageInfo { hasNextPage } } } } }"""
    nodes = gql(shop, query).json()["data"]["orders"]["nodes"]
    assert nodes[0]["customer"]["email"] == "c1@example.com"
    assert len(nodes[0]["lineItems"]["nodes"]) == 2
    assert nodes[0]["lineItems"]["pageInfo"]["hasNextPage"] is True


def test_backward_pagination_with_last_and_before(shop):
    query = """query($before: String) { customers(last: 5, before: $before, sortKey: ID) {
      nodes { id } pageInfo { hasPreviousPage startCursor } } }"""
    page = gql(shop, query).json()["data"]["customers"]
    assert page["nodes"][-1]["id"].endswith("/600")
    older = gql(shop, query, {"before": page["pageInfo"]["startCursor"]}).json()
    assert older["data"]["customers"]["nodes"][-1]["id"].endswith("/595")


def test_actual_cost_counts_only_what_was_returned_and_is_refunded(shop):
    """Shopify charges the requested cost up front and refunds requested minus actual."""
    query = """{ orders(first: 2, sortKey: ID) { nodes { id customer { id }
      lineItems(first: 50) { nodes { sku } } } } }"""
    payload = gql(shop, query).json()
    nodes = payload["data"]["orders"]["nodes"]
    returned_items = sum(len(n["lineItems"]["nodes"]) for n in nodes)
    returned_customers = sum(1 for n in nodes if n["customer"])
    cost = payload["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 2 + 2 * (1 + 1 + 2 + 50)
    expected = 2 + sum(1 + 2 for _ in nodes) + returned_items + returned_customers
    assert cost["actualQueryCost"] == expected < cost["requestedQueryCost"]
    status = cost["throttleStatus"]
    assert status["maximumAvailable"] - status["currentlyAvailable"] <= cost["actualQueryCost"]
