"""The shared HTTP policy: redaction, https-only off loopback, Retry-After parsing."""

from __future__ import annotations

import time
from email.utils import formatdate
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from connectors.errors import SourceError
from connectors.http import (
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
