"""X API v2 simulator: auth, tokens, since_id, fields, rate-limit windows, errors."""

from __future__ import annotations

import time

import requests
from sim_world import BRAND_ID, read

BEARER = {"Authorization": "Bearer x_sandbox_token"}


def get(handle, path: str, **params):
    return requests.get(handle.base_url + path, params=params, headers=BEARER, timeout=10)


def test_bad_token_is_401(social):
    resp = requests.get(social.base_url + "/dm_events", headers={"Authorization": "Bearer x"},
                        timeout=10)
    assert resp.status_code == 401
    assert resp.json() == {"title": "Unauthorized", "type": "about:blank", "status": 401,
                           "detail": "Unauthorized"}


def test_mentions_paginate_newest_first_without_token_on_last_page(social, world):
    ids, token, pages = [], None, 0
    while True:
        params = {"max_results": 100, **({"pagination_token": token} if token else {})}
        body = get(social, f"/users/{BRAND_ID}/mentions", **params).json()
        ids += [t["id"] for t in body["data"]]
        pages += 1
        token = body["meta"].get("next_token")
        if token is None:
            break
    assert pages == 3 and ids == sorted(ids, key=int, reverse=True)
    assert set(ids) == {t["id"] for t in read(world, "social/tweets.jsonl")}


def test_since_id_returns_only_newer(social):
    body = get(social, f"/users/{BRAND_ID}/mentions", since_id="1800000000000000245").json()
    assert [t["id"][-3:] for t in body["data"]] == ["250", "249", "248", "247", "246"]
    assert body["meta"]["newest_id"].endswith("250") and "next_token" not in body["meta"]
    empty = get(social, f"/users/{BRAND_ID}/mentions", since_id="1800000000000000250").json()
    assert empty == {"meta": {"result_count": 0}}


def test_default_and_requested_fields_with_includes(social):
    body = get(social, f"/users/{BRAND_ID}/mentions", max_results=5, expansions="author_id",
               **{"tweet.fields": "created_at", "user.fields": "description"}).json()
    assert set(body["data"][0]) == {"id", "text", "edit_history_tweet_ids", "created_at"}
    assert set(body["includes"]["users"][0]) == {"id", "name", "username", "description"}
    plain = get(social, f"/users/{BRAND_ID}/mentions", max_results=5).json()
    assert set(plain["data"][0]) == {"id", "text", "edit_history_tweet_ids"}
    assert "includes" not in plain


def test_invalid_parameters_are_400_problems(social):
    for params in ({"max_results": 500}, {"max_results": 2}, {"tweet.fields": "nope"},
                   {"pagination_token": "zzz"}, {"bogus": "1"}):
        resp = get(social, f"/users/{BRAND_ID}/mentions", **params)
        assert resp.status_code == 400, params
        body = resp.json()
        assert body["title"] == "Invalid Request"
        assert body["type"] == "https://api.twitter.com/2/problems/invalid-request"
        assert body["errors"][0]["parameters"]


def test_followers_are_all_users_and_dm_events_paginate(social, world):
    ids, token = [], None
    while True:
        params = {"max_results": 1000 if token is None else 1000}
        if token:
            params["pagination_token"] = token
        body = get(social, f"/users/{BRAND_ID}/followers", **params).json()
        ids += [u["id"] for u in body["data"]]
        token = body["meta"].get("next_token")
        if not token:
            break
    users = {u["id"] for u in read(world, "social/users.jsonl")} - {BRAND_ID}
    assert set(ids) == users and len(ids) == len(users)
    assert get(social, f"/users/{BRAND_ID}/followers", max_results=1001).status_code == 400
    dms = get(social, "/dm_events", max_results=100, expansions="sender_id").json()
    assert dms["meta"]["result_count"] == 100 and "next_token" in dms["meta"]
    assert {u["id"] for u in dms["includes"]["users"]} == {d.get("sender_id") for d in
                                                          read(world, "social/dm_events.jsonl")
                                                          if int(d["id"][-3:]) > 50}


def test_user_lookup_reports_missing_ids(social):
    body = get(social, "/users", ids="2001,42").json()
    assert [u["id"] for u in body["data"]] == ["2001"]
    assert body["errors"][0]["resource_id"] == "42"
    assert get(social, "/users/2002").json()["data"]["username"] == "user2"


def test_rate_limit_headers_and_429(world):
    from sandbox.simulators import start_social

    handle = start_social(world, rate_limits={"mentions": 3}, window_seconds=60)
    try:
        seen = [get(handle, f"/users/{BRAND_ID}/mentions") for _ in range(4)]
        remaining = [r.headers["x-rate-limit-remaining"] for r in seen]
        assert remaining == ["2", "1", "0", "0"]
        assert seen[3].status_code == 429
        assert seen[3].json() == {"title": "Too Many Requests", "detail": "Too Many Requests",
                                  "type": "about:blank", "status": 429}
        assert int(seen[3].headers["x-rate-limit-reset"]) >= int(time.time())
        assert seen[0].headers["x-rate-limit-limit"] == "3"
        other = get(handle, "/dm_events")
        assert other.status_code == 200  # windows are per endpoint
    finally:
        handle.stop()
