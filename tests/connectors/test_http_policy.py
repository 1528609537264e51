"""The shared HTTP policy: redaction, https-only off loopback, Retry-After parsing."""

from __future__ import annotations

import logging
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from connectors.errors import SourceError
from connectors.http import (
    RetryPolicy,
    check_base_url,
    make_session,
    parse_retry_after,
    redact,
    with_query,
)


def test_redact_masks_every_secret():
    text = "token abcd1234 in url ?key=abcd1234 and xyz98765"
    assert redact(text, ["abcd1234", "xyz98765", None]) == "token *** in url ?key=*** and ***"
    assert redact(None, ["x"]) == ""


def test_source_error_names_source_stream_and_redacts():
    err = SourceError("shop", "orders", "bad secret s3cr3t!", "POST /x?t=s3cr3t!", ["s3cr3t!"])
    assert "shop" in str(err) and "orders" in str(err) and "POST /x" in str(err)
    assert "s3cr3t!" not in str(err)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/3.0", "https://x.example/2/"])
def test_base_url_allowed(url):
    assert check_base_url(url) == url.rstrip("/")


@pytest.mark.parametrize("url", ["http://api.x.com/2", "ftp://127.0.0.1/"])
def test_plain_http_refused_off_loopback(url):
    with pytest.raises(ValueError):
        check_base_url(url)


def test_retry_after_forms():
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("2.0") == 2.0
    assert parse_retry_after(None) is None
    in_ten = parse_retry_after(formatdate(time.time() + 10, usegmt=True))
    assert in_ten is not None and 8 <= in_ten <= 11


def test_proxy_variables_are_honoured_and_read_once_per_origin(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    reads: list[str] = []
    real = requests.sessions.get_environ_proxies
    monkeypatch.setattr(requests.sessions, "get_environ_proxies",
                        lambda url, no_proxy=None: reads.append(url) or real(url, no_proxy))
    session = make_session()
    for page in range(3):
        out = session.merge_environment_settings(
            f"https://api.example/v1/items?page={page}", {}, None, None, None)
        assert out["proxies"]["https"] == "http://proxy.example:3128"
        out["proxies"]["https"] = "changed by a caller"  # must not leak into the next answer
    inside = session.merge_environment_settings("https://internal.example/v1", {}, None, None,
                                                None)
    assert "https" not in inside["proxies"], "NO_PROXY still bypasses the proxy for its hosts"
    assert reads == ["https://api.example/v1/items?page=0", "https://internal.example/v1"]


def test_with_query_encodes_static_params_once_into_the_path():
    params = {"tweet.fields": "created_at,author_id", "q": "a b&c=d", "count": 1000}
    url = with_query("/2/users/1/mentions", params)
    parts = urlsplit(url)
    assert parts.path == "/2/users/1/mentions"
    assert parse_qs(parts.query) == {k: [str(v)] for k, v in params.items()}
    assert with_query("/lists/1/members", {}) == "/lists/1/members"


class _ThrottleOnce(BaseHTTPRequestHandler):
    """429 with a long Retry-After on the first request, 200 after."""

    served = 0

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        type(self).served += 1
        throttled = type(self).served == 1
        self.send_response(429 if throttled else 200)
        if throttled:
            self.send_header("Retry-After", "30")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize(("bound", "lowest", "highest"), [(0.05, 0.05, 0.15), (45.0, 30.0, 30.1)])
def test_a_servers_asked_for_wait_is_honoured_up_to_max_server_wait(caplog, bound, lowest,
                                                                    highest):
    _ThrottleOnce.served = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ThrottleOnce)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    waits: list[float] = []
    try:
        session = make_session(policy=RetryPolicy(max_server_wait=bound, jitter=0.1))
        # the retry's wait is recorded, not slept: only its length is checked
        session.send.retry.sleep = waits.append
        with caplog.at_level(logging.WARNING, logger="connectors.http"):
            response = session.get(f"http://127.0.0.1:{server.server_port}/items")
    finally:
        server.shutdown()
        server.server_close()
    assert response.status_code == 200 and _ThrottleOnce.served == 2
    assert len(waits) == 1 and lowest <= waits[0] <= highest, waits
    retries = [r.getMessage() for r in caplog.records if "HTTP 429" in r.getMessage()]
    assert len(retries) == 1 and f"in {waits[0]:.1f}s" in retries[0], retries
