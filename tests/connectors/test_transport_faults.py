"""429 storms, 5xx and dropped connections mid-pagination, for every connector.

Faults start after the first requests (`faults.after`), so they hit a sync in
the middle of paging. Each throttle has its platform's own shape: Shopify's
429 with `Retry-After: 2.0`-style headers, an nginx 429 in front of Odoo,
Mailchimp's problem-document 429 or the edge's bare HTML 403 (no rate-limit
headers at all), X's 429 with `x-rate-limit-reset`. Within the retry bound the
sync completes and every raw table equals the simulator; beyond it, a
SourceError names source, stream and request, with the credential redacted.
"""

from __future__ import annotations

import pytest
from conn_helpers import FAST_RETRY, exception_text, source_error
from dlt.pipeline.exceptions import PipelineStepFailed
from sim_compare import assert_raw_matches

from connectors.email import email_source
from connectors.erp import erp_source
from connectors.http import RetryPolicy
from connectors.shop import shop_source
from connectors.social import social_source
from sandbox.simulators import start_email, start_erp, start_shop, start_social

SECRET = {"shop": "shpat_STORM_CANARY_77", "erp": "odoo_STORM_CANARY_77",
          "email": "STORMcanary77-us1", "social": "x_STORM_CANARY_77"}
THREE_ATTEMPTS = RetryPolicy(max_attempts=3, backoff_base=0.01, max_backoff=0.05, jitter=0.25)


def start(name, world, **kw):
    if name == "shop":
        return start_shop(world, token=SECRET[name], bucket_size=20000, restore_rate=20000)
    if name == "erp":
        return start_erp(world, api_key=SECRET[name])
    if name == "email":
        return start_email(world, api_key=SECRET[name], **kw)
    return start_social(world, token=SECRET[name])


def source(name, handle, policy=FAST_RETRY):
    if name == "shop":
        return shop_source(handle.root_url, SECRET[name], page_size=40, retry_policy=policy)
    if name == "erp":
        return erp_source(handle.base_url, "cdp", "admin", SECRET[name], page_size=30,
                          retry_policy=policy)
    if name == "email":
        return email_source(handle.base_url, SECRET[name], "a1b2c3d4e5", page_size=40,
                            retry_policy=policy)
    return social_source(handle.base_url, SECRET[name], page_size=20, followers_page_size=20,
                         retry_policy=policy, max_rate_limit_wait=5)


@pytest.fixture(params=["shop", "erp", "email", "email-403", "social"])
def sim(request, world):
    name = request.param.split("-")[0]
    handle = start(name, world, throttle_as_403=request.param.endswith("403"))
    yield name, handle
    handle.stop()


def test_429_storm_mid_pagination_completes_and_matches(sim, warehouse):
    name, handle = sim
    # six throttles in a row: each platform's shape, Retry-After where it sends one
    handle.faults.after(3).rate_limit(6, retry_after=0.05)
    wh = warehouse(name)
    wh.run(source(name, handle))
    statuses = [r["status"] for r in handle.request_log]
    throttle = 403 if getattr(handle.simulator, "throttle_as_403", False) else 429
    assert statuses[3:9] == [throttle] * 6 and statuses[:3] == [200] * 3
    assert_raw_matches(wh.query, handle.snapshot, name)


def test_5xx_and_dropped_connections_mid_pagination_match(sim, warehouse):
    name, handle = sim
    handle.faults.after(4).drop_connections(2).server_errors(3, status=503)
    wh = warehouse(name)
    wh.run(source(name, handle))
    statuses = [r["status"] for r in handle.request_log]
    assert statuses.count(503) == 3 and statuses.count(-1) == 2  # -1: the cut connection
    assert_raw_matches(wh.query, handle.snapshot, name)


FIRST = {"shop": ("customers", "graphql.json", 1), "erp": ("partners", "/jsonrpc", 2),
         "email": ("members", "/members", 1), "social": ("users", "/followers", 1)}


def test_storm_beyond_the_retry_bound_is_a_clear_redacted_error(sim, warehouse, all_logs):
    name, handle = sim
    stream, path, ok_first = FIRST[name]
    handle.faults.after(ok_first).rate_limit(50, retry_after=0.05)
    with pytest.raises(PipelineStepFailed) as info:
        warehouse(name).run(source(name, handle, THREE_ATTEMPTS).with_resources(stream))
    err = source_error(info.value)
    throttle = "403" if getattr(handle.simulator, "throttle_as_403", False) else "429"
    assert (err.source, err.stream) == (name, stream)
    assert throttle in err.detail and path in (err.request or "")
    assert SECRET[name] not in exception_text(info.value)
    assert SECRET[name] not in all_logs.text
    assert [r["status"] for r in handle.request_log][ok_first:] == [int(throttle)] * 3
