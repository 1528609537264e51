"""Injected faults, per API: throttles, 5xx, slow responses, dropped connections."""

from __future__ import annotations

import time

import pytest
import requests

SHOP = "/admin/api/2025-07/graphql.json"
QUERY = {"query": "{ customers(first: 1) { nodes { id } } }"}
TOKEN = {"X-Shopify-Access-Token": "shpat_sandbox"}


def shop_call(handle):
    return requests.post(handle.base_url + SHOP, json=QUERY, headers=TOKEN, timeout=10)


def test_shop_rate_limit_is_429_with_retry_after_then_recovers(shop):
    shop.faults.rate_limit(2)
    first, second, third = (shop_call(shop) for _ in range(3))
    assert first.status_code == second.status_code == 429
    assert first.headers["Retry-After"] == "2.0"
    assert "errors" in first.json()
    assert third.status_code == 200


def test_erp_throttle_and_5xx_look_like_a_proxy(erp):
    erp.faults.rate_limit(1, retry_after=3).server_errors(1, status=502)
    url = erp.base_url + "/jsonrpc"
    body = {"jsonrpc": "2.0", "method": "call", "params": {"service": "common",
                                                           "method": "version", "args": []}}
    throttled = requests.post(url, json=body, timeout=10)
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "3"
    assert throttled.headers["Content-Type"].startswith("text/html")
    bad_gateway = requests.post(url, json=body, timeout=10)
    assert bad_gateway.status_code == 502
    assert requests.post(url, json=body, timeout=10).json()["result"]["server_serie"] == "19.0"


def test_email_throttle_is_a_problem_document_or_bare_403(world):
    from sandbox.simulators import start_email

    for as_403, status in ((False, 429), (True, 403)):
        handle = start_email(world, throttle_as_403=as_403)
        try:
            handle.faults.rate_limit(1)
            resp = requests.get(handle.base_url + "/ping", auth=("u", "sandboxkey-us1"),
                                timeout=10)
            assert resp.status_code == status
            assert "Retry-After" not in resp.headers
            if status == 429:
                assert resp.json()["title"] == "Too Many Requests"
        finally:
            handle.stop()


def test_social_injected_429_carries_reset_header(social):
    social.faults.rate_limit(1, retry_after=5)
    resp = requests.get(social.base_url + "/users/2001",
                        headers={"Authorization": "Bearer x_sandbox_token"}, timeout=10)
    assert resp.status_code == 429
    assert resp.headers["x-rate-limit-remaining"] == "0"
    assert int(resp.headers["x-rate-limit-reset"]) >= int(time.time()) + 4


def test_server_errors_then_success(shop):
    shop.faults.server_errors(1, status=503)
    assert shop_call(shop).status_code == 503
    assert shop_call(shop).status_code == 200


def test_slow_responses(shop):
    shop.faults.slow(0.6, n=1)
    start = time.monotonic()
    assert shop_call(shop).status_code == 200
    assert time.monotonic() - start >= 0.6
    with pytest.raises(requests.Timeout):
        shop.faults.slow(1.0, n=1)
        requests.post(shop.base_url + SHOP, json=QUERY, headers=TOKEN, timeout=0.3)


def test_dropped_connection_raises_on_the_client(shop):
    shop.faults.drop_connections(1)
    with pytest.raises((requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        shop_call(shop)
    assert shop_call(shop).status_code == 200


def test_random_faults_are_reproducible(world):
    from sandbox.simulators import start_shop

    outcomes = []
    for _ in range(2):
        handle = start_shop(world)
        try:
            handle.faults.random(p_429=0.3, p_5xx=0.3, seed=11)
            outcomes.append([shop_call(handle).status_code for _ in range(12)])
        finally:
            handle.stop()
    assert outcomes[0] == outcomes[1]
    assert {200, 429} <= set(outcomes[0]) and any(c >= 500 for c in outcomes[0])


def test_request_log_redacts_secrets(erp, shop):
    shop_call(shop)
    requests.get(erp.base_url + "/web/version?api_key=odoo_sandbox_key", timeout=10)
    logged = str(shop.request_log) + str(erp.request_log)
    assert "shpat_sandbox" not in logged and "odoo_sandbox_key" not in logged
    assert {"method": "POST", "path": SHOP, "status": 200} in shop.request_log


def test_faults_over_http(shop):
    resp = requests.post(shop.root_url + "/_sim/faults",
                         json={"rate_limit": {"n_requests": 1, "retry_after": 4}}, timeout=10)
    assert resp.status_code == 200
    throttled = shop_call(shop)
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "4.0"
