"""Mailchimp connector against the Mailchimp simulator on loopback."""

from __future__ import annotations

from datetime import datetime

import pytest
import requests
from conn_helpers import FAST_RETRY, checksum, exception_text, files_containing, source_error
from dlt.pipeline.exceptions import PipelineStepFailed

from connectors.email import base_url_for_key, email_source
from sandbox.simulators import start_email

CANARY = "CANARYmailchimpkey0c0ffee-us1"
LIST_ID = "a1b2c3d4e5"


@pytest.fixture
def email(world):
    handle = start_email(world, api_key=CANARY)
    yield handle
    handle.stop()


def source(handle, key=CANARY, **kw):
    kw.setdefault("page_size", 50)
    return email_source(handle.base_url, key, LIST_ID, retry_policy=FAST_RETRY, **kw)


def _ts(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def test_base_url_from_key():
    assert base_url_for_key("abc123-us14") == "https://us14.api.mailchimp.com/3.0"
    with pytest.raises(ValueError):
        base_url_for_key("nodatacentre")


def test_full_load_matches_simulator(email, warehouse, all_logs):
    wh = warehouse("email")
    counts = wh.run(source(email))
    members = email.snapshot("members")
    assert counts["members"] == len(members) > 50
    loaded = wh.query(
        "select id, email_address, status, merge_fields__fname from raw_email.members"
    )
    expected = [
        (m["id"], m["email_address"], m["status"], m["merge_fields"].get("FNAME"))
        for m in members
    ]
    assert checksum(loaded) == checksum(expected)
    assert sorted(wh.ids("campaigns")) == sorted(c["id"] for c in email.snapshot("campaigns"))
    activity = email.snapshot("activity")
    got = wh.query("select campaign_id, email_id, action, timestamp from raw_email.email_activity")
    assert {(c, e, a) for c, e, a, _ in got} == {
        (r["campaign_id"], r["email_id"], r["action"]) for r in activity
    }
    # events other than "sent" keep their own timestamps ("sent" takes the campaign send_time)
    assert {(c, e, a, t) for c, e, a, t in got if a != "sent"} == {
        (r["campaign_id"], r["email_id"], r["action"], _ts(r["timestamp"]))
        for r in activity
        if r["action"] != "sent"
    }
    assert CANARY not in all_logs.text
    assert files_containing(wh.path, CANARY) == []


def test_archived_member_is_not_kept_live(email, warehouse):
    wh = warehouse("email")
    wh.run(source(email))
    victim = next(m for m in email.snapshot("members") if m["status"] == "subscribed")
    url = f"{email.base_url}/lists/{LIST_ID}/members/{victim['id']}"
    assert requests.delete(url, auth=("x", CANARY), timeout=5).status_code == 204
    counts = wh.run(source(email).with_resources("members"))
    assert counts["members"] == 1
    rows = wh.query(f"select status from raw_email.members where id = '{victim['id']}'")
    assert rows == [("archived",)]


def test_incremental_second_run_and_changes(email, warehouse):
    wh = warehouse("email")
    wh.run(source(email))
    assert "members" not in wh.run(source(email).with_resources("members"))
    email.mutate(new=4, updated=6, deleted=1, seed=4)
    counts = wh.run(source(email).with_resources("members"))
    assert counts["members"] >= 4
    ids = wh.ids("members")
    assert len(ids) == len(set(ids))
    live = {m["id"]: m for m in email.snapshot("members")}
    got = {r[0]: r[1:] for r in wh.query("select id, status, email_address from raw_email.members")}
    assert all(got[i] == (m["status"], m["email_address"]) for i, m in live.items())


def test_faults_and_bare_403_throttle_are_retried(world, warehouse):
    handle = start_email(world, api_key=CANARY, throttle_as_403=True)
    try:
        handle.faults.rate_limit(3)
        handle.faults.random(p_5xx=0.15, p_drop=0.05, seed=3)
        counts = warehouse("email").run(source(handle, page_size=40))
        handle.faults.clear()
        assert counts["members"] == len(handle.snapshot("members"))
        assert 403 in [r["status"] for r in handle.request_log]
    finally:
        handle.stop()


def test_bad_key_is_a_clear_redacted_error(email, warehouse, all_logs):
    bad = "WRONGcanarykey123456-us1"
    with pytest.raises(PipelineStepFailed) as info:
        warehouse("email").run(source(email, key=bad).with_resources("members"))
    err = source_error(info.value)
    assert (err.source, err.stream) == ("email", "members")
    assert "401" in str(err) and "API Key Invalid" in str(err)
    assert bad not in exception_text(info.value)
    assert bad not in all_logs.text


def test_activity_is_incremental_per_campaign(email, warehouse):
    """A second sync reads no recipients again and asks activity only `since` the first."""
    wh = warehouse("email")
    wh.run(source(email))
    before = len(email.request_log)
    sent = next(c for c in email.snapshot("campaigns") if c.get("send_time"))
    member = email.snapshot("members")[0]
    late_open = {"campaign_id": sent["id"], "email_id": member["id"],
                 "email_address": member["email_address"], "action": "open",
                 "timestamp": datetime.now().astimezone().isoformat(timespec="seconds"),
                 "ip": "192.0.2.7"}
    email.simulator.store.put("activity", late_open)

    counts = wh.run(source(email))
    second = email.request_log[before:]
    paths = [r["path"] for r in second]
    assert not any("/sent-to" in p for p in paths), "recipients are read once per campaign"
    activity = [p for p in paths if "/email-activity" in p]
    assert activity and all("since=" in p for p in activity)
    assert counts.get("email_activity", 0) < 50, "only new events (and the overlap) come back"
    opens = wh.query(
        "select count(*) from raw_email.email_activity where campaign_id = "
        f"'{sent['id']}' and email_id = '{member['id']}' and ip = '192.0.2.7'")
    assert opens == [(1,)]


def _unsubscribe(email, campaign_id, member):
    email.simulator.store.put("activity", {
        "campaign_id": campaign_id, "email_id": member["id"],
        "email_address": member["email_address"], "action": "unsubscribe",
        "timestamp": datetime.now().astimezone().isoformat(timespec="seconds")})


def test_unsubscribes_resume_near_where_the_last_sync_ended(email, warehouse, monkeypatch):
    monkeypatch.setattr("connectors.email.activity.UNSUBSCRIBED_OVERLAP", 1)
    wh = warehouse("email")
    wh.run(source(email, page_size=2))
    events = email.snapshot("activity")
    by_campaign: dict[str, list[dict]] = {}
    for e in events:
        if e["action"] == "unsubscribe":
            by_campaign.setdefault(e["campaign_id"], []).append(e)
    cid, unsubscribed = max(by_campaign.items(), key=lambda kv: len(kv[1]))
    assert len(unsubscribed) >= 3, "the world has a campaign with a few unsubscribes"
    gone = {e["email_id"] for e in unsubscribed}
    fresh = [m for m in email.snapshot("members") if m["id"] not in gone]

    def loaded() -> set[str]:
        return {r[0] for r in wh.query("select email_id from raw_email.email_activity where "
                                       f"action = 'unsubscribe' and campaign_id = '{cid}'")}

    def offsets_read(since: int) -> list[int]:
        paths = [r["path"] for r in email.request_log[since:]
                 if f"/reports/{cid}/unsubscribed" in r["path"]]
        return [int(p.split("offset=")[1].split("&")[0]) for p in paths]

    for member in fresh[:3]:
        _unsubscribe(email, cid, member)
    before = len(email.request_log)
    wh.run(source(email, page_size=2))
    assert offsets_read(before)[0] == len(unsubscribed) - 1, "resumed, with the overlap"
    assert loaded() == gone | {m["id"] for m in fresh[:3]}

    # members resubscribe: the report shrinks below what was read, so it is read whole
    for e in unsubscribed:
        key = f"{cid}:{e['email_id']}:unsubscribe:{e.get('timestamp')}:{e.get('url') or ''}"
        assert email.simulator.store.delete("activity", key)
    _unsubscribe(email, cid, fresh[3])
    before = len(email.request_log)
    wh.run(source(email, page_size=2))
    offsets = offsets_read(before)
    assert offsets[0] == len(unsubscribed) + 3 - 1 and 0 in offsets[1:], "read again whole"
    assert {m["id"] for m in fresh[:4]} <= loaded()
