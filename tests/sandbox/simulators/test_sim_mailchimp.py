"""Mailchimp simulator: auth, offset paging, since_last_changed, reports, erasure."""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from sim_world import read

AUTH = ("anystring", "sandboxkey-us1")
LIST = "a1b2c3d4e5"


def get(handle, path: str, **params):
    return requests.get(handle.base_url + path, params=params, auth=AUTH, timeout=10)


def test_bad_key_is_a_problem_document(email):
    resp = requests.get(email.base_url + f"/lists/{LIST}/members", auth=("u", "nope"), timeout=10)
    assert resp.status_code == 401
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    body = resp.json()
    assert body["title"] == "API Key Invalid" and body["status"] == 401
    assert set(body) == {"type", "title", "status", "detail", "instance"}
    assert not any(k.lower().startswith("x-ratelimit") for k in resp.headers)


def test_offset_paging_returns_every_visible_member_once(email, world):
    seen, offset = [], 0
    while True:
        body = get(email, f"/lists/{LIST}/members", count=1000, offset=offset).json()
        seen += [m["id"] for m in body["members"]]
        offset += len(body["members"])
        if offset >= body["total_items"]:
            break
    assert len(body["members"]) <= 1000
    members = read(world, "email/members.jsonl")
    assert len(seen) == len(set(seen))
    assert set(seen) == {m["id"] for m in members if m["status"] != "archived"}
    archived = get(email, f"/lists/{LIST}/members", status="archived", count=1000).json()
    assert archived["total_items"] == sum(m["status"] == "archived" for m in members)


def test_count_is_capped_and_defaults_to_ten(email):
    assert len(get(email, f"/lists/{LIST}/members").json()["members"]) == 10
    assert len(get(email, f"/lists/{LIST}/members", count=5000).json()["members"]) == 1000


def test_since_last_changed_is_exclusive(email, world):
    boundary = "2025-01-01T00:00:05+00:00"  # members 10 and 11 changed at exactly this time
    body = get(email, f"/lists/{LIST}/members", count=1000, since_last_changed=boundary,
               sort_field="last_changed", sort_dir="ASC").json()
    want = [m for m in read(world, "email/members.jsonl")
            if m["last_changed"] > boundary and m["status"] != "archived"]
    assert body["total_items"] == len(want)
    assert body["members"][0]["last_changed"] > boundary


def test_fields_and_exclude_fields(email):
    body = get(email, f"/lists/{LIST}/members", count=2,
               fields="members.id,members.merge_fields.FNAME,total_items").json()
    assert set(body) == {"members", "total_items"}
    assert body["members"][0] == {"id": body["members"][0]["id"],
                                  "merge_fields": {"FNAME": "Member"}}
    slim = get(email, f"/lists/{LIST}/members", count=1, exclude_fields="members.merge_fields")
    assert "merge_fields" not in slim.json()["members"][0]


def test_unknown_ids_are_404_problems(email):
    assert get(email, "/lists/nope/members").status_code == 404
    assert get(email, f"/lists/{LIST}/members/{'0' * 32}").json()["title"] == "Resource Not Found"
    assert get(email, "/reports/nope/email-activity").status_code == 404


def test_member_by_hash_or_email(email):
    digest = hashlib.md5(b"m3@example.com").hexdigest()
    assert get(email, f"/lists/{LIST}/members/{digest}").json()["email_address"] == "m3@example.com"
    assert get(email, f"/lists/{LIST}/members/M3@example.com").json()["id"] == digest


def test_reports(email, world):
    cid = get(email, "/campaigns").json()["campaigns"][0]["id"]
    acts = get(email, f"/reports/{cid}/email-activity", count=100).json()
    assert acts["total_items"] == 40
    by_email = {e["email_address"]: e["activity"] for e in acts["emails"]}
    assert [a["action"] for a in by_email["m8@example.com"]] == ["open", "click"]
    bounce = by_email["m5@example.com"][0]
    assert bounce == {"action": "bounce", "type": "hard", "timestamp": bounce["timestamp"],
                      "ip": "10.0.0.1"}
    sent = get(email, f"/reports/{cid}/sent-to", count=100).json()["sent_to"]
    status = {s["email_address"]: (s["status"], s["open_count"]) for s in sent}
    assert status["m5@example.com"] == ("hard", 0) and status["m2@example.com"] == ("sent", 1)
    unsub = get(email, f"/reports/{cid}/unsubscribed").json()
    assert [u["email_address"] for u in unsub["unsubscribes"]] == ["m7@example.com"]


def test_archive_then_delete_permanent(world):
    from sandbox.simulators import start_email

    handle = start_email(world)
    try:
        digest = hashlib.md5(b"m1@example.com").hexdigest()
        url = handle.base_url + f"/lists/{LIST}/members/{digest}"
        assert requests.delete(url, auth=AUTH, timeout=10).status_code == 204
        assert requests.get(url, auth=AUTH, timeout=10).json()["status"] == "archived"
        post = requests.post(url + "/actions/delete-permanent", auth=AUTH, timeout=10)
        assert post.status_code == 204
        assert requests.get(url, auth=AUTH, timeout=10).status_code == 404
        assert digest not in {m["id"] for m in handle.snapshot("members")}
    finally:
        handle.stop()


def test_more_than_ten_simultaneous_connections_get_429(email):
    """Ten requests held open, then an eleventh: it alone is refused.

    The ten are held server-side by a slow fault and the eleventh is sent
    only once the simulator counts ten open, so a slow host cannot make the
    burst trickle in under the limit.
    """
    email.faults.slow(3.0, n=10)
    with ThreadPoolExecutor(10) as pool:
        held = [pool.submit(get, email, "/ping") for _ in range(10)]
        deadline = time.monotonic() + 2.5
        while email.simulator.open_connections(AUTH[1]) < 10:
            assert time.monotonic() < deadline, "ten requests never were open at once"
            time.sleep(0.01)
        eleventh = get(email, "/ping")
        codes = [f.result().status_code for f in held]
    assert eleventh.status_code == 429
    assert eleventh.json()["title"] == "Too Many Requests"
    assert codes == [200] * 10
    assert email.simulator.open_connections(AUTH[1]) == 0
    email.faults.clear()
