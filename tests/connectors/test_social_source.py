"""X API v2 connector against the X simulator on loopback."""

from __future__ import annotations

import pytest
from conn_helpers import FAST_RETRY, checksum, exception_text, files_containing, source_error
from dlt.pipeline.exceptions import PipelineStepFailed

from connectors.social import social_source
from sandbox.simulators import start_social

CANARY = "x_CANARY_bearer_51f00d"
BRAND = "1000000000000000001"


@pytest.fixture
def social(world):
    # a 1-second window: exhausting it must make the connector wait, not fail
    handle = start_social(world, token=CANARY, rate_limits={"followers": 3}, window_seconds=1.0)
    yield handle
    handle.stop()


def source(handle, token=CANARY, **kw):
    kw.setdefault("page_size", 20)
    kw.setdefault("followers_page_size", 20)
    return social_source(
        handle.base_url, token, retry_policy=FAST_RETRY, max_rate_limit_wait=5, **kw
    )


def test_full_load_matches_simulator(social, warehouse, all_logs):
    wh = warehouse("social")
    counts = wh.run(source(social))
    tweets = social.snapshot("tweets")
    users = [u for u in social.snapshot("users") if u["id"] != BRAND]
    assert counts["tweets"] == len(tweets) > 20
    assert sorted(wh.ids("tweets")) == sorted(t["id"] for t in tweets)
    assert sorted(wh.ids("dm_events")) == sorted(d["id"] for d in social.snapshot("dm_events"))
    user_ids = wh.ids("users")
    assert len(user_ids) == len(set(user_ids)), "followers and authors merge on id"
    assert {u["id"] for u in users} <= set(user_ids)
    loaded = wh.query("select id, author_id, in_reply_to_user_id, lang from raw_social.tweets")
    expected = [
        (t["id"], t.get("author_id"), t.get("in_reply_to_user_id"), t.get("lang"))
        for t in tweets
    ]
    assert checksum(loaded) == checksum(expected)
    assert "public_metrics__followers_count" in wh.columns("users")
    assert "author_id" not in wh.columns("users")
    assert CANARY not in all_logs.text
    assert files_containing(wh.path, CANARY) == []


def test_since_id_state_second_run_and_changes(social, warehouse):
    wh = warehouse("social")
    wh.run(source(social))
    again = wh.run(source(social).with_resources("tweets", "dm_events"))
    assert "tweets" not in again and "dm_events" not in again
    social.mutate(new=5, updated=0, deleted=0, seed=6)
    wh.run(source(social).with_resources("tweets", "dm_events"))
    ids = wh.ids("tweets")
    assert len(ids) == len(set(ids))
    assert {t["id"] for t in social.snapshot("tweets")} <= set(ids)


def test_429_and_5xx_retried(social, warehouse):
    social.faults.rate_limit(2, retry_after=0.2)
    social.faults.random(p_5xx=0.15, p_drop=0.05, seed=8)
    counts = warehouse("social").run(source(social))
    social.faults.clear()
    assert counts["tweets"] == len(social.snapshot("tweets"))
    assert 429 in [r["status"] for r in social.request_log]


def test_bad_token_is_a_clear_redacted_error(social, warehouse, all_logs):
    bad = "x_WRONG_CANARY_bearer_42"
    with pytest.raises(PipelineStepFailed) as info:
        warehouse("social").run(source(social, token=bad).with_resources("tweets"))
    err = source_error(info.value)
    assert (err.source, err.stream) == ("social", "tweets")
    assert "401" in str(err)
    assert bad not in exception_text(info.value)
    assert bad not in all_logs.text
