"""Odoo external API simulator: JSON-RPC (``/jsonrpc``) and JSON-2 (``/json/2``).

Both transports reach the same ORM-like methods (``search_read``, ``search``,
``search_count``, ``read``, ``fields_get``) over res.partner, sale.order,
sale.order.line, account.move and mail.blacklist. JSON-RPC errors come back
with HTTP 200 in the ``error`` member; JSON-2 errors use HTTP status codes and
a bare error object, as Odoo 19's ``Json2Dispatcher`` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox.simulators.base import Request, Response, Simulator, start
from sandbox.simulators.faults import Fault
from sandbox.simulators.odoo_domain import DomainError, Translator
from sandbox.simulators.store import Collection

UID = 2
DEFAULT_ORDER = {"res.partner": "name asc, id desc", "sale.order": "date_order desc, id desc",
                 "sale.order.line": "order_id, sequence, id",
                 "account.move": "invoice_date desc, name desc, id desc",
                 "mail.blacklist": "id desc"}
#: one2many fields: the child model and its many2one back to the parent. Unlinking a
#: parent unlinks its children (``ondelete="cascade"`` on the many2one, as in Odoo).
ONE2MANY = {("sale.order", "order_line"): ("sale.order.line", "order_id")}
#: child model -> its many2one to the parent, whose id the store keeps (indexed) as parent_num
_PARENT = dict(ONE2MANY.values())
POSITIONAL = {
    "search_read": ("domain", "fields", "offset", "limit", "order"),
    "search": ("domain", "offset", "limit", "order"),
    "search_count": ("domain", "limit"),
    "read": ("ids", "fields"),
    "fields_get": ("allfields", "attributes"),
    "context_get": (),
}


def _model(name: str) -> Collection:
    columns = {"num": lambda d: int(d["id"]), "write_date": lambda d: d.get("write_date"),
               "active": lambda d: None if "active" not in d else int(bool(d["active"]))}
    indexes: tuple[tuple[str, ...], ...] = (("num",), ("write_date", "num"))
    if name in _PARENT:
        inverse = _PARENT[name]
        columns["parent_num"] = lambda d: _many2one_id(d.get(inverse))
        indexes += (("parent_num",),)
    return Collection(name=name, file=f"erp/{name}.jsonl", key=lambda d: str(d["id"]),
                      columns=columns, indexes=indexes)


def _many2one_id(value: Any) -> int | None:
    return int(value[0]) if isinstance(value, list | tuple) and value else None


class OdooError(Exception):
    """An exception as Odoo serialises it: qualified name, message, HTTP status for JSON-2."""

    def __init__(self, name: str, message: str, status: int = 500, args: list | None = None):
        super().__init__(message)
        self.name, self.message, self.status = name, message, status
        self.arguments = args if args is not None else [message]

    def body(self) -> dict:
        """The serialised exception (``data`` in JSON-RPC, the body in JSON-2)."""
        debug = (f"Traceback (most recent call last):\n  File \"odoo/service/model.py\", "
                 f"line 156, in retrying\n{self.name}: {self.message}\n")
        return {"name": self.name, "debug": debug, "message": self.message,
                "arguments": self.arguments, "context": {}}


class OdooSimulator(Simulator):
    """Serves ``erp/*.jsonl`` through Odoo's two external APIs."""

    source = "erp"
    collections = tuple(_model(m) for m in DEFAULT_ORDER)

    def __init__(self, world_dir: Path | None, db_path: Path, db: str = "cdp",
                 login: str = "admin", api_key: str = "odoo_sandbox_key") -> None:
        super().__init__(world_dir, db_path)
        self.db, self.login, self.api_key = db, login, api_key
        self._fields = {m: self._infer_fields(m) for m in DEFAULT_ORDER}

    def delete_record(self, collection: str, key: str) -> bool:
        """``unlink``: the record, and the one2many children that cascade with it."""
        for (parent, _), (child, _) in ONE2MANY.items():
            if parent == collection:
                self.store.delete_where(child, "parent_num = ?", [int(key)])
        return super().delete_record(collection, key)

    def throttle_response(self, fault: Fault) -> Response:
        """A reverse proxy's 429 (Odoo itself has no rate limiting)."""
        html = ("<html><head><title>429 Too Many Requests</title></head><body><center>"
                "<h1>429 Too Many Requests</h1></center><hr><center>nginx</center></body></html>")
        return Response(429, html, {"Retry-After": str(int(fault.retry_after or 1))},
                        content_type="text/html")

    def handle(self, req: Request) -> Response:
        """Dispatch to JSON-RPC or JSON-2."""
        if req.path == "/jsonrpc" and req.method == "POST":
            return self._jsonrpc(req)
        if req.path.startswith("/json/2/") and req.method == "POST":
            return self._json2(req)
        if req.path in ("/web/version", "/json/version"):
            return Response(200, self._version())
        return Response(404, "<html><body>404 Not Found</body></html>", content_type="text/html")

    # -- transports -----------------------------------------------------------
    def _jsonrpc(self, req: Request) -> Response:
        try:
            payload = req.json()
            params = payload["params"]
            rid = payload.get("id")
        except (ValueError, KeyError, TypeError):
            return Response(200, {"jsonrpc": "2.0", "id": None, "error": {
                "code": -32700, "message": "Parse error", "data": {}}})
        try:
            result = self._service(params.get("service"), params.get("method"),
                                   list(params.get("args") or []))
        except OdooError as err:
            return Response(200, {"jsonrpc": "2.0", "id": rid, "error": {
                "code": 200, "message": "Odoo Server Error", "data": err.body()}})
        return Response(200, {"jsonrpc": "2.0", "id": rid, "result": result})

    def _service(self, service: str, method: str, args: list) -> Any:
        if service == "common" and method == "version":
            return self._version()
        if service == "common" and method in ("authenticate", "login"):
            db, login, key = (args + [None] * 3)[:3]
            self._check_db(db)
            return UID if (login == self.login and key == self.api_key) else False
        if service == "db" and method == "list":
            return [self.db]
        if service == "object" and method in ("execute_kw", "execute"):
            if len(args) < 5:
                raise OdooError("builtins.TypeError", f"{method}() missing required arguments")
            db, uid, key, model, meth = args[:5]
            self._check_db(db)
            if uid != UID or key != self.api_key:
                raise OdooError("odoo.exceptions.AccessDenied", "Access Denied")
            if method == "execute_kw":
                pos = args[5] if len(args) > 5 else []
                kw = args[6] if len(args) > 6 and args[6] else {}
            else:
                pos, kw = args[5:], {}
            return self.call(model, meth, self._named(model, meth, list(pos), dict(kw)))
        raise OdooError("builtins.Exception", f"Unknown method {service}.{method}")

    def _json2(self, req: Request) -> Response:
        try:
            model, method = req.path.removeprefix("/json/2/").split("/", 1)
            auth = req.header("Authorization") or ""
            scheme, _, key = auth.partition(" ")
            if scheme.lower() != "bearer" or key.strip() != self.api_key:
                raise OdooError("werkzeug.exceptions.Unauthorized", "Invalid apikey", 401,
                                ["Invalid apikey", 401])
            database = req.header("X-Odoo-Database")
            if database is not None and database != self.db:
                raise OdooError("werkzeug.exceptions.NotFound", "Database not found.", 404)
            try:
                body = req.json() if req.body else {}
            except ValueError as exc:
                raise OdooError("werkzeug.exceptions.BadRequest",
                                f"could not parse the body as json: {exc}", 400) from exc
            if not isinstance(body, dict):
                raise OdooError("werkzeug.exceptions.BadRequest", "the body must be an object", 400)
            body.pop("context", None)
            return Response(200, self.call(model, method, body))
        except OdooError as err:
            return Response(err.status, err.body())

    # -- ORM methods ----------------------------------------------------------
    def _named(self, model: str, method: str, pos: list, kw: dict) -> dict:
        names = POSITIONAL.get(method, ())
        if len(pos) > len(names):
            raise OdooError("builtins.TypeError", f"{method}() takes {len(names)} arguments")
        return {**dict(zip(names, pos, strict=False)), **kw}

    def call(self, model: str, method: str, kw: dict) -> Any:
        """Run one ORM method with named arguments."""
        if model not in self._fields:
            if model.replace(".", "").replace("_", "").isalnum():
                raise OdooError("werkzeug.exceptions.NotFound",
                                f"the model {model!r} does not exist", 404)
            raise OdooError("builtins.KeyError", model, 404)
        if method == "context_get":
            return {"lang": "en_US", "tz": "UTC", "uid": UID}
        if method == "fields_get":
            attrs = kw.get("attributes")
            return {f: ({k: v for k, v in meta.items() if k in attrs} if attrs else meta)
                    for f, meta in self._fields[model].items()}
        if method not in POSITIONAL:
            raise OdooError("werkzeug.exceptions.NotFound",
                            f"The method {method!r} does not exist on the model {model!r}", 404)
        try:
            return self._query(model, method, kw)
        except DomainError as exc:
            raise OdooError("builtins.ValueError", str(exc), 500) from exc
        except (TypeError, ValueError) as exc:
            raise OdooError("builtins.TypeError", str(exc), 500) from exc

    def _query(self, model: str, method: str, kw: dict) -> Any:
        tr = Translator(model, self._fields[model])
        fields = kw.get("fields") or None
        if fields:
            for f in fields:
                tr.expr(f)
        if method == "read":
            ids = [int(i) for i in (kw.get("ids") or [])]
            docs = {d["id"]: d for d in self.store.select(
                model, f"num IN ({', '.join('?' for _ in ids)})", ids)} if ids else {}
            missing = [i for i in ids if i not in docs]
            if missing:
                raise OdooError("odoo.exceptions.MissingError",
                                "Record does not exist or has been deleted.\n"
                                f"(Record: {model}({missing[0]},), User: {UID})", 404)
            return [_project(docs[i], fields) for i in ids]
        where, params = tr.where(kw.get("domain"))
        if "active" in self._fields[model] and not tr.mentions_active:
            where = f"({where}) AND active = 1" if where else "active = 1"
        if method == "search_count":
            n = self.store.count(model, where, params)
            return min(n, int(kw["limit"])) if kw.get("limit") else n
        order = tr.order(kw.get("order"), DEFAULT_ORDER[model])
        limit = kw.get("limit") or None
        docs = self.store.select(model, where, params, order=order,
                                 limit=int(limit) if limit else None,
                                 offset=int(kw.get("offset") or 0))
        if method == "search":
            return [d["id"] for d in docs]
        return [_project(d, fields) for d in docs]

    def _check_db(self, db: Any) -> None:
        if db != self.db:
            raise OdooError("psycopg2.OperationalError",
                            f'connection failed: FATAL:  database "{db}" does not exist')

    def _infer_fields(self, model: str) -> dict[str, dict]:
        # A model's fields exist whether or not it holds records (a world may have
        # no blacklist entry yet): start from the declared schema, refine by samples.
        merged: dict[str, Any] = {"id": 0, "write_date": "", "create_date": "",
                                  **DECLARED_FIELDS.get(model, {})}
        for doc in self.store.select(model, limit=500):
            for name, value in doc.items():
                if merged.get(name) in (None, False, "") or name not in merged:
                    merged[name] = value
        return {name: _field_meta(name, value) for name, value in merged.items()}

    @staticmethod
    def _version() -> dict:
        return {"server_version": "19.0", "server_version_info": [19, 0, 0, "final", 0, ""],
                "server_serie": "19.0", "protocol_version": 1}


#: The fields every real Odoo database has on the served models, with a sample of
#: each type (many2one as [id, name]); records may carry more.
DECLARED_FIELDS: dict[str, dict[str, Any]] = {
    "res.partner": {
        "name": "", "is_company": True, "parent_id": [0, ""], "email": "", "phone": "",
        "mobile": "", "street": "", "street2": "", "city": "", "zip": "",
        "country_id": [0, ""], "country_code": "", "ref": "", "active": True,
        "customer_rank": 0,
    },
    "sale.order": {
        "name": "", "partner_id": [0, ""], "date_order": "", "amount_untaxed": 0.0,
        "amount_total": 0.0, "currency_id": [0, ""], "state": "", "order_line": [],
    },
    "sale.order.line": {
        "order_id": [0, ""], "order_partner_id": [0, ""], "sequence": 0,
        "product_id": [0, ""], "name": "",
        "product_uom_qty": 0.0, "price_unit": 0.0, "price_subtotal": 0.0, "price_total": 0.0,
        "currency_id": [0, ""], "display_type": "",
    },
    "account.move": {
        "name": "", "move_type": "", "partner_id": [0, ""], "invoice_date": "",
        "invoice_origin": "", "amount_untaxed": 0.0, "amount_total": 0.0,
        "amount_residual": 0.0, "currency_id": [0, ""], "state": "", "payment_state": "",
    },
    "mail.blacklist": {"email": "", "active": True},
}


def _field_meta(name: str, value: Any) -> dict:
    """fields_get metadata inferred from a sample value (False means unknown)."""
    if any(field == name for _, field in ONE2MANY):
        kind = "one2many"
    elif name in ("create_date", "write_date", "date_order"):
        kind = "datetime"
    elif name in ("invoice_date", "date"):
        kind = "date"
    elif isinstance(value, bool) and not (value is False and name.endswith("_id")):
        kind = "boolean" if value is True or name in ("active",) or name.startswith("is_") \
            else "char"
    elif isinstance(value, int) or name == "id":
        kind = "integer"
    elif isinstance(value, float):
        kind = "float"
    elif isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) \
            or name.endswith("_id"):
        kind = "many2one"
    elif isinstance(value, list):
        kind = "many2many"
    else:
        kind = "char"
    return {"type": kind, "string": name.replace("_", " ").title(), "readonly": name == "id"}


def _project(doc: dict, fields: list[str] | None) -> dict:
    """Only the requested fields, ``id`` always included."""
    if not fields:
        return doc
    out = {"id": doc["id"]}
    out.update({f: doc.get(f, False) for f in fields})
    return out


def start_erp(world_dir: Path, **options: Any):
    """Start the Odoo simulator; options: db, login, api_key, db_path."""
    return start(OdooSimulator, world_dir, **options)
