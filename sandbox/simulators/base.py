"""HTTP plumbing shared by the four simulators.

A simulator is a plain object with ``handle(request) -> Response``; this module
runs it behind a real ``ThreadingHTTPServer`` on loopback (HTTP/1.1 keep-alive),
applies injected faults before the API logic sees a request, serves the
``/_sim/*`` admin endpoints, and keeps a redacted request log.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import socket
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from sandbox.simulators.faults import Fault, FaultPlan
from sandbox.simulators.store import Collection, RecordStore

log = logging.getLogger(__name__)
_SECRET_PARAM = re.compile(r"key|token|secret|password|passwd|auth|signature", re.IGNORECASE)


@dataclass
class Request:
    """One parsed HTTP request."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The first value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name: str) -> str | None:
        """A header, case-insensitively."""
        return self.headers.get(name.lower())

    def json(self) -> Any:
        """The body parsed as JSON (raises ValueError when it is not)."""
        return json.loads(self.body.decode("utf-8") or "null")


@dataclass
class Response:
    """What to send back: status, headers and a body (JSON-encoded when not bytes)."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"

    def encoded(self) -> bytes:
        """The body as bytes."""
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body, separators=(",", ":")).encode("utf-8")


class ApiError(Exception):
    """Raised inside a handler to answer with a ready-made error response."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


DROP = Response(status=-1)


class Simulator:
    """Base class: a record store over a world directory plus fault handling."""

    source = "base"
    base_path = ""
    collections: tuple[Collection, ...] = ()

    def __init__(self, world_dir: Path | None, db_path: Path) -> None:
        self.world_dir = Path(world_dir) if world_dir is not None else None
        self.faults = FaultPlan()
        self.store = RecordStore(db_path, self.source)
        self.request_log: deque[dict[str, Any]] = deque(maxlen=100_000)
        self.mutation_lock = threading.Lock()
        #: the simulators serving the same world (set by ``start_all``), for world-wide changes
        self.peers: list[Simulator] = [self]
        for spec in self.collections:
            self.store.register(spec, self.world_dir)

    # -- hooks for subclasses -------------------------------------------------
    def handle(self, req: Request) -> Response:
        """Answer one API request."""
        raise NotImplementedError

    def throttle_response(self, fault: Fault) -> Response:
        """The API's own throttle answer for an injected rate-limit fault."""
        headers = {"Retry-After": str(fault.retry_after or 1.0)}
        return Response(429, {"error": "Too Many Requests"}, headers)

    def server_error_response(self, status: int) -> Response:
        """An injected 5xx, as a proxy in front of the service would send it."""
        reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
        text = reason.get(status, "Server Error")
        html = f"<html><head><title>{status} {text}</title></head><body>{text}</body></html>"
        return Response(status, html, content_type="text/html")

    def delete_record(self, collection: str, key: str) -> bool:
        """Delete one record for good as the vendor does (subclasses cascade); True if held."""
        return self.store.delete(collection, key)

    def snapshot(self, collection: str) -> list[dict]:
        """What the simulator serves now for one collection (deleted records gone)."""
        return list(self.store.iter_all(collection))

    def mutate(self, new: int = 0, updated: int = 0, deleted: int = 0, seed: int = 0) -> dict:
        """Apply the world generator's change set to this source, stamped with the clock."""
        from sandbox.simulators.mutation import apply_changes

        return apply_changes(self, new=new, updated=updated, deleted=deleted, seed=seed)

    # -- request pipeline -----------------------------------------------------
    def serve(self, req: Request) -> Response:
        """Apply injected faults, then the API logic."""
        faults = self.faults.next()
        for fault in faults:
            if fault.kind == "slow":
                time.sleep(fault.delay)
        for fault in faults:
            if fault.kind == "drop":
                return DROP
            if fault.kind == "rate_limit":
                return self.throttle_response(fault)
            if fault.kind == "server_error":
                return self.server_error_response(fault.status)
        try:
            return self.handle(req)
        except ApiError as exc:
            return exc.response


def redact_path(raw_path: str) -> str:
    """The request path with secret-looking query parameters masked."""
    parts = urlsplit(raw_path)
    if not parts.query:
        return parts.path
    pairs = parse_qs(parts.query, keep_blank_values=True)
    clean = {k: ["***"] if _SECRET_PARAM.search(k) else v for k, v in pairs.items()}
    return f"{parts.path}?{urlencode(clean, doseq=True)}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the body waits for the
    # client's delayed ACK of the headers (~40 ms a response on Linux). Real API
    # front ends (nginx's tcp_nodelay) do not wait.
    disable_nagle_algorithm = True
    server_version = "cdpkit-sim"
    sys_version = ""
    timeout = 60

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _dispatch(self) -> None:
        sim: Simulator = self.server.simulator  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        req = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        if req.path.startswith("/_sim/"):
            resp = admin(sim, req)
        else:
            try:
                resp = sim.serve(req)
            except Exception:
                log.exception("simulator %s failed on %s %s", sim.source, req.method, req.path)
                resp = sim.server_error_response(500)
            sim.request_log.append(
                {"method": req.method, "path": redact_path(self.path), "status": resp.status}
            )
        if resp is DROP:
            self._drop()
            return
        self._write(resp)

    def _write(self, resp: Response) -> None:
        if isinstance(resp.body, Path):
            self._write_file(resp)
            return
        data = resp.encoded()
        self.send_response(resp.status)
        if resp.status != 204:
            self.send_header("Content-Type", resp.content_type)
        for name, value in resp.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)

    def _write_file(self, resp: Response) -> None:
        """Stream a (possibly large) file body instead of holding it in memory."""
        path: Path = resp.body
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        for name, value in resp.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(path.stat().st_size))
        self.end_headers()
        if self.command != "HEAD":
            with path.open("rb") as body:
                shutil.copyfileobj(body, self.wfile, 1 << 20)

    def _drop(self) -> None:
        """Start a valid-looking response, then cut the socket mid-body."""
        self.close_connection = True
        try:
            self.wfile.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: 4096\r\n\r\n{\"partial\": tr"
            )
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def admin(sim: Simulator, req: Request) -> Response:
    """The ``/_sim/*`` control endpoints (no auth, no faults)."""
    try:
        if req.path == "/_sim/faults" and req.method == "POST":
            sim.faults.configure(req.json() or {})
            return Response(200, {"ok": True})
        if req.path == "/_sim/mutate" and req.method == "POST":
            spec = req.json() or {}
            summary = sim.mutate(**spec)
            return Response(200, summary)
        if req.path == "/_sim/mutate_world" and req.method == "POST":
            from sandbox.simulators.mutation import apply_world_changes

            return Response(200, apply_world_changes(sim.peers, **(req.json() or {})))
        if req.path.startswith("/_sim/snapshot/") and req.method == "GET":
            name = req.path.removeprefix("/_sim/snapshot/")
            if name not in sim.store.collections:
                return Response(404, {"error": f"unknown collection {name}"})
            return Response(200, sim.snapshot(name))
        if req.path == "/_sim/log" and req.method == "GET":
            return Response(200, list(sim.request_log))
    except (ValueError, TypeError) as exc:
        return Response(400, {"error": str(exc)})
    return Response(404, {"error": "unknown admin endpoint"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True


@dataclass
class SimulatorHandle:
    """A running simulator: its URL and the knobs tests turn."""

    simulator: Simulator
    server: ThreadingHTTPServer
    thread: threading.Thread
    root_url: str
    base_url: str
    _tmpdir: str | None = None

    @property
    def faults(self) -> FaultPlan:
        """Injected faults (rate_limit, server_errors, slow, drop_connections, random)."""
        return self.simulator.faults

    @property
    def request_log(self) -> list[dict[str, Any]]:
        """(method, path, status) of every API request, secrets redacted."""
        return list(self.simulator.request_log)

    def mutate(self, new: int = 0, updated: int = 0, deleted: int = 0, seed: int = 0) -> dict:
        """Change the world now: new, updated and deleted records stamped with the clock."""
        return self.simulator.mutate(new=new, updated=updated, deleted=deleted, seed=seed)

    def snapshot(self, collection: str) -> list[dict]:
        """The live records of one collection."""
        return self.simulator.snapshot(collection)

    def stop(self) -> None:
        """Stop serving and release the store."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        self.simulator.store.close()
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)


def start(
    cls: type[Simulator], world_dir: Path | None, db_path: Path | None = None, **options: Any
) -> SimulatorHandle:
    """Load a simulator's world and serve it on 127.0.0.1 at a free port."""
    tmpdir = None
    if db_path is None:
        tmpdir = tempfile.mkdtemp(prefix=f"cdpkit-sim-{cls.source}-")
        db_path = Path(tmpdir) / "store.sqlite"
    sim = cls(world_dir, db_path, **options)
    server = _Server(("127.0.0.1", 0), _Handler)
    server.simulator = sim  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True,
        name=f"sim-{cls.source}",
    )
    thread.start()
    root = f"http://127.0.0.1:{server.server_address[1]}"
    return SimulatorHandle(sim, server, thread, root, root + cls.base_path, tmpdir)
