"""X API v2 simulator: mentions, followers, users and DM events.

Reproduces X's conventions: bearer auth, ``max_results`` ranges per endpoint,
opaque ``pagination_token``/``next_token`` (absent on the last page), newest
first with ``since_id``/``until_id``/``start_time``, default fields plus only
the requested ``*.fields``, ``includes.users`` for expansions, per-endpoint
15-minute windows with ``x-rate-limit-*`` headers on every response, and X's
problem-style error bodies.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from sandbox.simulators.base import ApiError, Request, Response, Simulator, start
from sandbox.simulators.faults import Fault
from sandbox.simulators.store import Collection
from sandbox.simulators.timefmt import sort_key
from sandbox.simulators.x_fields import DEFAULTS, FIELDS, pick, validate_list
from sandbox.simulators.x_limits import RateLimiter

BRAND_ID = "1000000000000000001"


def _coll(name: str, owner: str | None) -> Collection:
    cols = {"num": lambda d: int(d["id"]), "ts": lambda d: sort_key(d.get("created_at"))}
    if owner:
        cols["owner"] = lambda d: d.get(owner)
    return Collection(name=name, file=f"social/{name}.jsonl", key=lambda d: str(d["id"]),
                      columns=cols, indexes=(("num",),))


def invalid(param: str, value: str, message: str) -> ApiError:
    """400 Invalid Request with X's parameter error list."""
    return ApiError(Response(400, {
        "errors": [{"parameters": {param: [value]}, "message": message}],
        "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request"}))


def not_found(user_id: str) -> dict:
    """X's partial error for a missing user (returned with HTTP 200)."""
    return {"value": user_id, "detail": f"Could not find user with id: [{user_id}].",
            "title": "Not Found Error", "resource_type": "user", "parameter": "id",
            "resource_id": user_id, "type": "https://api.twitter.com/2/problems/resource-not-found"}


def encode_token(value: int) -> str:
    """An opaque pagination token."""
    return base64.b32encode(f"x{value}".encode()).decode().rstrip("=").lower()


def decode_token(token: str) -> int:
    """The position a token stands for; 400 when it is not one of ours."""
    try:
        raw = base64.b32decode(token.upper() + "=" * (-len(token) % 8)).decode()
        if not raw.startswith("x"):
            raise ValueError(token)
        return int(raw[1:])
    except ValueError as exc:
        raise invalid("pagination_token", token, f"The `pagination_token` query parameter value "
                      f"[{token}] is not valid") from exc


class XSimulator(Simulator):
    """Serves ``social/*.jsonl`` under ``/2``."""

    source = "social"
    base_path = "/2"
    collections = (_coll("users", None), _coll("tweets", "author_id"),
                   _coll("dm_events", "sender_id"))

    def __init__(self, world_dir: Path | None, db_path: Path, token: str = "x_sandbox_token",
                 brand_id: str = BRAND_ID, rate_limits: dict[str, int] | None = None,
                 window_seconds: float = 900.0) -> None:
        super().__init__(world_dir, db_path)
        self.token, self.brand_id = token, brand_id
        self.limiter = RateLimiter(rate_limits or {}, window_seconds)

    def throttle_response(self, fault: Fault) -> Response:
        """X's 429 with the window headers (X sends no Retry-After)."""
        return Response(429, too_many(), self.limiter.exhausted_headers(fault.retry_after or 1.0))

    def handle(self, req: Request) -> Response:
        """Authenticate, apply the endpoint's window, route."""
        scheme, _, value = (req.header("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or value.strip() != self.token:
            return Response(401, {"title": "Unauthorized", "type": "about:blank",
                                  "status": 401, "detail": "Unauthorized"})
        endpoint, handler = self._route(req.path)
        if endpoint is None or req.method != "GET":
            return Response(404, {"errors": [{"message": "Sorry, that page does not exist",
                                              "code": 34}]})
        allowed, headers = self.limiter.hit(endpoint)
        if not allowed:
            return Response(429, too_many(), headers)
        try:
            body = handler(req)
        except ApiError as exc:
            exc.response.headers.update(headers)
            raise
        return Response(200, body, headers)

    def _route(self, path: str) -> tuple[str | None, Any]:
        p = path.removeprefix("/2")
        if m := re.fullmatch(r"/users/(\d+)/mentions", p):
            return "mentions", lambda r: self._mentions(r, m[1])
        if m := re.fullmatch(r"/users/(\d+)/followers", p):
            return "followers", lambda r: self._followers(r, m[1])
        if m := re.fullmatch(r"/users/(\d+)", p):
            return "user", lambda r: self._users(r, [m[1]], single=True)
        if p == "/users":
            return "users", lambda r: self._users(r, (r.arg("ids") or "").split(","))
        if p == "/dm_events":
            return "dm_events", self._dm_events
        return None, None

    # -- endpoints ------------------------------------------------------------
    def _mentions(self, req: Request, user_id: str) -> dict:
        check(req, {"max_results", "pagination_token", "since_id", "until_id", "start_time",
                    "end_time", "expansions", "tweet.fields", "user.fields", "media.fields",
                    "place.fields", "poll.fields"})
        size = max_results(req, 5, 100, 10)
        fields = validate_list(req, "tweet.fields")
        if self.store.get("users", user_id) is None and user_id != self.brand_id:
            return {"errors": [not_found(user_id)]}
        conds, params = ["1=1" if user_id == self.brand_id else "1=0"], []
        for arg, op in (("since_id", ">"), ("until_id", "<")):
            if req.arg(arg):
                conds.append(f"num {op} ?")
                params.append(int(_digits(req, arg)))
        for arg, op in (("start_time", ">="), ("end_time", "<")):
            if req.arg(arg):
                conds.append(f"ts {op} ?")
                params.append(sort_key(req.arg(arg)))
        return self._page(req, "tweets", conds, params, size, fields, "tweet", "author_id")

    def _dm_events(self, req: Request) -> dict:
        check(req, {"max_results", "pagination_token", "event_types", "dm_event.fields",
                    "expansions", "user.fields", "media.fields", "tweet.fields"})
        size = max_results(req, 1, 100, 100)
        fields = validate_list(req, "dm_event.fields")
        conds, params = ["1=1"], []
        if req.arg("event_types"):
            conds.append("json_extract(doc, '$.event_type') = ?")
            params.append(req.arg("event_types"))
        return self._page(req, "dm_events", conds, params, size, fields, "dm_event", "sender_id")

    def _page(self, req: Request, coll: str, conds: list[str], params: list[Any], size: int,
              fields: list[str], kind: str, author_key: str) -> dict:
        if req.arg("pagination_token"):
            conds.append("num < ?")
            params.append(decode_token(req.arg("pagination_token") or ""))
        docs = self.store.select(coll, " AND ".join(conds), params, order="num DESC",
                                 limit=size + 1)
        more = len(docs) > size
        docs = docs[:size]
        if not docs:
            return {"meta": {"result_count": 0}}
        if kind == "tweet":  # X always returns it; older world files may omit it
            for d in docs:
                d.setdefault("edit_history_tweet_ids", [d["id"]])
        body: dict[str, Any] = {"data": [pick(d, DEFAULTS[kind], fields) for d in docs]}
        expansions = validate_list(req, "expansions")
        user_ids = []
        for d in docs:
            for key in (author_key, "in_reply_to_user_id", "participant_ids"):
                if key in expansions and d.get(key):
                    user_ids += d[key] if isinstance(d[key], list) else [d[key]]
        if user_ids:
            users = self._lookup(list(dict.fromkeys(user_ids)))
            ufields = validate_list(req, "user.fields")
            body["includes"] = {"users": [pick(u, DEFAULTS["user"], ufields) for u in users]}
        meta: dict[str, Any] = {"result_count": len(docs), "newest_id": docs[0]["id"],
                                "oldest_id": docs[-1]["id"]}
        if more:
            meta["next_token"] = encode_token(int(docs[-1]["id"]))
        body["meta"] = meta
        return body

    def _followers(self, req: Request, user_id: str) -> dict:
        check(req, {"max_results", "pagination_token", "user.fields", "expansions",
                    "tweet.fields"})
        size = max_results(req, 1, 1000, 100)
        fields = validate_list(req, "user.fields")
        if self.store.get("users", user_id) is None and user_id != self.brand_id:
            return {"errors": [not_found(user_id)]}
        if user_id != self.brand_id:
            return {"meta": {"result_count": 0}}
        offset = decode_token(req.arg("pagination_token") or "") \
            if req.arg("pagination_token") else 0
        docs = self.store.select("users", "key != ?", [self.brand_id], order="rid DESC",
                                 limit=size + 1, offset=offset)
        if not docs:
            return {"meta": {"result_count": 0}}
        meta: dict[str, Any] = {"result_count": min(len(docs), size)}
        if len(docs) > size:
            meta["next_token"] = encode_token(offset + size)
        if offset:
            meta["previous_token"] = encode_token(max(offset - size, 0))
        return {"data": [pick(d, DEFAULTS["user"], fields) for d in docs[:size]], "meta": meta}

    def _users(self, req: Request, ids: list[str], single: bool = False) -> dict:
        check(req, {"ids", "user.fields", "expansions", "tweet.fields"})
        ids = [i for i in ids if i]
        if not single and not 1 <= len(ids) <= 100:
            raise invalid("ids", req.arg("ids") or "", "The `ids` query parameter value "
                          f"[{req.arg('ids') or ''}] does not contain between 1 and 100 items")
        fields = validate_list(req, "user.fields")
        found = {u["id"]: u for u in self._lookup(ids)}
        data = [pick(found[i], DEFAULTS["user"], fields) for i in ids if i in found]
        errors = [not_found(i) for i in ids if i not in found]
        body: dict[str, Any] = {}
        if data:
            body["data"] = data[0] if single else data
        if errors:
            body["errors"] = errors
        return body

    def _lookup(self, ids: list[str]) -> list[dict]:
        if not ids:
            return []
        docs = self.store.select("users", f"key IN ({', '.join('?' for _ in ids)})", ids)
        by_id = {d["id"]: d for d in docs}
        return [by_id[i] for i in ids if i in by_id]


def too_many() -> dict:
    """X's 429 body."""
    return {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank",
            "status": 429}


def check(req: Request, allowed: set[str]) -> None:
    """Unknown query parameters are a 400 at X."""
    for name in req.query:
        if name not in allowed:
            raise invalid(name, req.arg(name) or "", f"The query parameter [{name}] is not one "
                          f"of [{','.join(sorted(allowed))}]")


def max_results(req: Request, low: int, high: int, default: int) -> int:
    """``max_results`` within the endpoint's range (400 outside it)."""
    raw = req.arg("max_results")
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise invalid("max_results", raw, f"The `max_results` query parameter value [{raw}] "
                      f"is not between {low} and {high}")
    return int(raw)


def _digits(req: Request, name: str) -> str:
    raw = req.arg(name) or ""
    if not raw.isdigit():
        raise invalid(name, raw, f"The `{name}` query parameter value [{raw}] does not match "
                      "^[0-9]{1,19}$")
    return raw


def start_social(world_dir: Path, **options: Any):
    """Start the X simulator; options: token, brand_id, rate_limits, window_seconds, db_path."""
    return start(XSimulator, world_dir, **options)


__all__ = ["FIELDS", "XSimulator", "start_social"]
