"""Mailchimp Marketing API 3.0 simulator.

What a sync meets at Mailchimp: Basic auth with the API key as password,
offset pagination (``count`` ≤ 1000, ``total_items``), ``since_last_changed``
(exclusive), archived members hidden unless asked for, ``fields`` /
``exclude_fields`` projection, problem-document errors, and a limit of 10
simultaneous connections per key with no rate-limit headers at all.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading
import uuid
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sandbox.simulators.base import ApiError, Request, Response, Simulator, start
from sandbox.simulators.faults import Fault
from sandbox.simulators.mailchimp_reports import ReportsMixin
from sandbox.simulators.projection import project
from sandbox.simulators.store import Collection
from sandbox.simulators.timefmt import sort_key

DOCS = "https://mailchimp.com/developer/marketing/docs/errors/"
MAX_COUNT = 1000
SORT_FIELDS = {"last_changed": "last_changed", "timestamp_opt": "timestamp_opt",
               "timestamp_signup": "timestamp_signup"}
MEMBERS = Collection(
    name="members", file="email/members.jsonl", key=lambda d: d["id"],
    columns={"num": lambda d: int(d.get("web_id") or 0), "status": lambda d: d.get("status"),
             "last_changed": lambda d: sort_key(d.get("last_changed")),
             "timestamp_opt": lambda d: sort_key(d.get("timestamp_opt")),
             "timestamp_signup": lambda d: sort_key(d.get("timestamp_signup")),
             "list_id": lambda d: d.get("list_id")},
    indexes=(("last_changed", "rid"), ("status",), ("num",)),
)
CAMPAIGNS = Collection(
    name="campaigns", file="email/campaigns.jsonl", key=lambda d: d["id"],
    columns={"num": lambda d: int(d.get("web_id") or 0), "status": lambda d: d.get("status"),
             "create_time": lambda d: sort_key(d.get("create_time")),
             "send_time": lambda d: sort_key(d.get("send_time"))},
)
ACTIVITY = Collection(
    name="activity", file="email/activity.jsonl",
    key=lambda d: f"{d['campaign_id']}:{d['email_id']}:{d['action']}:{d.get('timestamp')}"
                  f":{d.get('url') or ''}",
    columns={"campaign_id": lambda d: d["campaign_id"], "email_id": lambda d: d["email_id"],
             "action": lambda d: d["action"], "ts": lambda d: sort_key(d.get("timestamp"))},
    # queries name the index they use (store.index): given (campaign_id, ts),
    # SQLite would pick it for the per-page event query (ORDER BY ts) and scan
    # the whole campaign for every page
    indexes=(("campaign_id", "action", "email_id"), ("campaign_id", "email_id"),
             ("campaign_id", "ts")),
)


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    """A Mailchimp problem document (RFC 7807 shape)."""
    body = {"type": DOCS, "title": title, "status": status, "detail": detail,
            "instance": str(uuid.uuid4()), **extra}
    return Response(status, body, content_type="application/problem+json; charset=utf-8")


def not_found() -> ApiError:
    """The 404 every unknown id gets."""
    return ApiError(problem(404, "Resource Not Found",
                            "The requested resource could not be found."))


class MailchimpSimulator(ReportsMixin, Simulator):
    """Serves ``email/*.jsonl`` under ``/3.0``."""

    source = "email"
    base_path = "/3.0"
    collections = (MEMBERS, CAMPAIGNS, ACTIVITY)

    def __init__(self, world_dir: Path | None, db_path: Path, api_key: str = "sandboxkey-us1",
                 list_id: str = "a1b2c3d4e5", max_connections: int = 10,
                 throttle_as_403: bool = False) -> None:
        super().__init__(world_dir, db_path)
        self.api_key, self.list_id = api_key, list_id
        self.max_connections, self.throttle_as_403 = max_connections, throttle_as_403
        self._active: dict[str, int] = defaultdict(int)
        self._active_lock = threading.Lock()

    def throttle_response(self, fault: Fault | None = None) -> Response:
        """429 problem document, or the bare 403 Mailchimp's edge sends at volume."""
        if self.throttle_as_403:
            html = ("<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD>"
                    "<BODY>Access Denied</BODY></HTML>")
            return Response(403, html, content_type="text/html")
        return problem(429, "Too Many Requests",
                       f"You have exceeded the limit of {self.max_connections} "
                       "simultaneous connections.")

    def server_error_response(self, status: int) -> Response:
        """Mailchimp's own 500 is a problem document; edge 502/503 are HTML."""
        if status == 500:
            return problem(500, "Internal Server Error", "An unexpected internal error has "
                           "occurred. Please contact Support for more information.")
        return super().server_error_response(status)

    def serve(self, req: Request) -> Response:
        """Count simultaneous connections per key around the whole request."""
        key = self._key(req) or "-"
        with self._active_lock:
            self._active[key] += 1
            over = self._active[key] > self.max_connections
        try:
            return self.throttle_response() if over else super().serve(req)
        finally:
            with self._active_lock:
                self._active[key] -= 1

    def open_connections(self, api_key: str) -> int:
        """Requests with this key being served now (what the limit counts)."""
        with self._active_lock:
            return self._active[api_key]

    def _key(self, req: Request) -> str | None:
        scheme, _, value = (req.header("Authorization") or "").partition(" ")
        if scheme.lower() == "basic":
            try:
                return base64.b64decode(value).decode().partition(":")[2]
            except ValueError:
                return None
        if scheme.lower() in ("bearer", "apikey", "oauth"):
            return value.strip()
        return None

    def handle(self, req: Request) -> Response:
        """Authenticate, route, then apply ``fields``/``exclude_fields``."""
        if not req.path.startswith("/3.0"):
            raise not_found()
        if self._key(req) != self.api_key:
            return problem(401, "API Key Invalid", "Your API key may be invalid, or you've "
                           "attempted to access the wrong datacenter.")
        resp = self._route(req, req.path.removeprefix("/3.0").rstrip("/"))
        if resp.status == 200 and isinstance(resp.body, dict):
            resp.body = project(resp.body, req.arg("fields"), req.arg("exclude_fields"))
        return resp

    def _route(self, req: Request, path: str) -> Response:
        m = re.fullmatch(r"/lists/([^/]+)/members(?:/([^/]+)(/actions/delete-permanent)?)?", path)
        if m:
            if m[1] != self.list_id:
                raise not_found()
            if m[2] is None and req.method == "GET":
                return Response(200, self._members(req))
            if m[2] is not None:
                return self._member(req, m[2], bool(m[3]))
        if path == "/ping":
            return Response(200, {"health_status": "Everything's Chimpy!"})
        if path == "/campaigns" and req.method == "GET":
            return Response(200, self._campaigns(req))
        m = re.fullmatch(r"/campaigns/([^/]+)", path)
        if m and req.method == "GET":
            return Response(200, self._campaign(m[1]))
        m = re.fullmatch(r"/reports/([^/]+)/(email-activity|sent-to|unsubscribed)", path)
        if m and req.method == "GET":
            self._campaign(m[1])
            return Response(200, self.report(m[2], m[1], req))
        raise not_found()

    # -- members --------------------------------------------------------------
    def _members(self, req: Request) -> dict:
        count, offset = page(req)
        conds, params = ["list_id = ?"], [self.list_id]
        status = req.arg("status")
        if status:
            conds.append("status = ?")
            params.append(status)
        else:
            conds.append("status != 'archived'")
        for arg, op in (("since_last_changed", ">"), ("before_last_changed", "<"),
                        ("since_timestamp_opt", ">"), ("before_timestamp_opt", "<")):
            if req.arg(arg):
                col = arg.split("_", 1)[1]
                conds.append(f"{col} {op} ?")
                params.append(stamp(req.arg(arg), arg))
        sort = req.arg("sort_field")
        if sort is not None and sort not in SORT_FIELDS:
            raise invalid("sort_field", f"Value must be one of: {', '.join(SORT_FIELDS)}")
        direction = "DESC" if (req.arg("sort_dir") or "ASC").upper() == "DESC" else "ASC"
        order = f"{SORT_FIELDS[sort]} {direction}, rid {direction}" if sort else "rid"
        where = " AND ".join(conds)
        docs, total = self.store.page("members", where, params, order, count, offset)
        return {"members": docs, "list_id": self.list_id, "total_items": total,
                "_links": links(f"/3.0/lists/{self.list_id}/members")}

    def _member(self, req: Request, ident: str, permanent: bool) -> Response:
        key = ident.lower()
        if "@" in key:
            key = hashlib.md5(key.encode()).hexdigest()
        doc = self.store.get("members", key)
        if doc is None or doc.get("list_id", self.list_id) != self.list_id:
            raise not_found()
        if permanent and req.method == "POST":
            self.store.delete("members", key)
            return Response(204)
        if req.method == "DELETE":
            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
            self.store.put("members", {**doc, "status": "archived", "last_changed": now})
            return Response(204)
        if req.method == "GET":
            return Response(200, doc)
        raise not_found()

    # -- campaigns ------------------------------------------------------------
    def _campaign(self, campaign_id: str) -> dict:
        doc = self.store.get("campaigns", campaign_id)
        if doc is None:
            raise not_found()
        return doc

    def _campaigns(self, req: Request) -> dict:
        count, offset = page(req)
        conds: list[str] = []
        params: list[Any] = []
        for arg, col, op in (("since_create_time", "create_time", ">"),
                             ("before_create_time", "create_time", "<"),
                             ("since_send_time", "send_time", ">"),
                             ("before_send_time", "send_time", "<")):
            if req.arg(arg):
                conds.append(f"{col} {op} ?")
                params.append(stamp(req.arg(arg), arg))
        if req.arg("status"):
            conds.append("status = ?")
            params.append(req.arg("status"))
        where = " AND ".join(conds)
        docs = self.store.select("campaigns", where, params, order="create_time, rid",
                                 limit=count, offset=offset)
        return {"campaigns": docs, "total_items": self.store.count("campaigns", where, params),
                "_links": links("/3.0/campaigns")}


def invalid(field: str, message: str) -> ApiError:
    """400 Invalid Resource with a field-level error, as Mailchimp validates."""
    return ApiError(problem(400, "Invalid Resource", "The resource submitted could not be "
                            "validated. For field-specific details, see the 'errors' array.",
                            errors=[{"field": field, "message": message}]))


def page(req: Request) -> tuple[int, int]:
    """``count`` (default 10, capped at 1000) and ``offset``."""
    try:
        count = int(req.arg("count") or 10)
        offset = int(req.arg("offset") or 0)
    except ValueError as exc:
        raise invalid("count", "count and offset must be integers") from exc
    if count < 0 or offset < 0:
        raise invalid("count", "count and offset must be positive")
    return min(count, MAX_COUNT), offset


def stamp(value: str | None, field: str) -> str:
    """An ISO 8601 query parameter in the store's sortable form."""
    key = sort_key(value)
    if key is None:
        raise invalid(field, "Please provide a valid ISO 8601 date.")
    return key


def links(href: str) -> list[dict]:
    """The HATEOAS ``_links`` array (only ``self``; enough for clients that ignore it)."""
    return [{"rel": "self", "href": f"https://us1.api.mailchimp.com{href}", "method": "GET",
             "targetSchema": "", "schema": ""}]


def start_email(world_dir: Path, **options: Any):
    """Start the Mailchimp simulator; options: api_key, list_id, max_connections, db_path."""
    return start(MailchimpSimulator, world_dir, **options)
