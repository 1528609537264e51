"""Odoo's two external APIs behind one interface: JSON-RPC (/jsonrpc) and JSON-2.

JSON-RPC carries the API key inside the request body, where dlt's RESTClient
would log it at DEBUG level; `JsonRpcKeyAuth` therefore writes the key into
the body only when requests prepares the wire bytes, so every Request object
(and every log line made from it) holds a placeholder.

Pagination is by keyset, not `offset`: each next page asks for the records
after the last one read in the sort order (`write_date`, then `id`), written
into the request's domain. An offset makes the database skip every record
before it (Postgres and SQLite alike), so a 1,000,000-record model costs
quadratic time to page through, and a record deleted mid-read shifts the
offsets so that one record is silently skipped. A short page ends the read,
so no empty extra request is needed.
"""

from __future__ import annotations

import json
from typing import Any

from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import BasePaginator
from requests import PreparedRequest, Request, Response
from requests.auth import AuthBase

from connectors.errors import ApiError

PLACEHOLDER = "***"


class JsonRpcKeyAuth(AuthBase):
    """Put the API key at `params.args[2]` of a JSON-RPC body at send time."""

    def __init__(self, api_key: str) -> None:
        self._api_key = api_key

    def __repr__(self) -> str:
        return "JsonRpcKeyAuth(***)"

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        if not request.body:
            return request
        body = json.loads(request.body)
        args = (body.get("params") or {}).get("args")
        if isinstance(args, list) and len(args) > 2 and args[2] == PLACEHOLDER:
            args[2] = self._api_key
            data = json.dumps(body).encode("utf-8")
            request.body = data
            request.headers["Content-Length"] = str(len(data))
        return request


def raise_jsonrpc_error(response: Response) -> None:
    """Odoo answers JSON-RPC failures with HTTP 200 and an `error` member."""
    if response.status_code != 200 or not response.request.url.endswith("/jsonrpc"):
        return
    try:
        body = response.json()
    except ValueError:
        return
    error = body.get("error") if isinstance(body, dict) else None
    if error:
        data = error.get("data") or {}
        name = data.get("name") or error.get("message") or "odoo error"
        raise ApiError(f"{name}: {data.get('message') or error.get('message')}", response=response)


class OdooKeysetPaginator(BasePaginator):
    """Next page = the records after the last one read, in the read's sort order."""

    def __init__(self, domain_path: list[str | int], domain: list, keys: list[str],
                 limit: int) -> None:
        super().__init__()
        self.domain_path = domain_path
        self.domain = domain
        self.keys = keys
        self.limit = limit
        self.last: dict[str, Any] | None = None

    def init_request(self, request: Request) -> None:
        self._has_next_page = True
        self.last = None

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        self._has_next_page = len(data or []) >= self.limit
        if data:
            self.last = data[-1]

    def update_request(self, request: Request) -> None:
        # dlt calls this after every page, the last one (possibly empty) included
        if not self._has_next_page or self.last is None:
            return
        node: Any = request.json
        for key in self.domain_path[:-1]:
            node = node[key]
        node[self.domain_path[-1]] = [*self.domain, *self._after()]

    def _after(self) -> list[Any]:
        """Odoo's prefix notation for (k1, k2) > (v1, v2): k1 > v1 or (k1 = v1 and k2 > v2)."""
        assert self.last is not None
        *ties, final = self.keys
        clause: list[Any] = [[final, ">", self.last[final]]]
        for key in reversed(ties):
            clause = ["|", [key, ">", self.last[key]], "&", [key, "=", self.last[key]], *clause]
        return clause


def sort_keys(order: str) -> list[str]:
    """The field names of an ascending `order` ("write_date asc, id asc")."""
    keys = [part.split()[0] for part in order.split(",")]
    if any("desc" in part.lower() for part in order.split(",")):
        raise ValueError(f"keyset pages need an ascending order, got {order!r}")
    return keys


class JsonRpc:
    """`/jsonrpc`: authenticate once for the uid, then `execute_kw` per call."""

    data_selector = "result"

    def __init__(self, client: RESTClient, db: str, login: str, api_key: str) -> None:
        client.auth = JsonRpcKeyAuth(api_key)
        self.client, self.db, self.login = client, db, login
        self._uid: int | None = None

    def _body(self, service: str, method: str, args: list[Any]) -> dict[str, Any]:
        params = {"service": service, "method": method, "args": args}
        return {"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}

    def uid(self) -> int:
        if self._uid is None:
            body = self._body("common", "authenticate", [self.db, self.login, PLACEHOLDER, {}])
            response = self.client.post("jsonrpc", json=body)
            response.raise_for_status()
            uid = response.json().get("result")
            if not uid:
                raise ApiError("authentication failed (bad db, login or key)", response=response)
            self._uid = int(uid)
        return self._uid

    def search_read(
        self, model: str, domain: list, fields: list[str], order: str, limit: int
    ) -> tuple[str, dict[str, Any], OdooKeysetPaginator]:
        kwargs = {"fields": fields, "limit": limit, "order": order}
        args = [self.db, self.uid(), PLACEHOLDER, model, "search_read", [domain], kwargs]
        body = self._body("object", "execute_kw", args)
        paginator = OdooKeysetPaginator(["params", "args", 5, 0], domain, sort_keys(order), limit)
        return "jsonrpc", body, paginator


class Json2:
    """Odoo 19's `/json/2/<model>/<method>`: bearer key, database in a header."""

    data_selector = "$"

    def __init__(self, client: RESTClient, db: str, api_key: str) -> None:
        client.auth = BearerTokenAuth(token=api_key)
        client.headers = {**(client.headers or {}), "X-Odoo-Database": db}
        self.client = client

    def search_read(
        self, model: str, domain: list, fields: list[str], order: str, limit: int
    ) -> tuple[str, dict[str, Any], OdooKeysetPaginator]:
        body = {"domain": domain, "fields": fields, "limit": limit, "order": order}
        paginator = OdooKeysetPaginator(["domain"], domain, sort_keys(order), limit)
        return f"json/2/{model}/search_read", body, paginator
