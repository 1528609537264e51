"""Mutations from the world generator, snapshots, the admin API and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from sandbox.simulators import start_all, start_email, start_erp, start_shop

SHOP = "/admin/api/2025-07/graphql.json"
TOKEN = {"X-Shopify-Access-Token": "shpat_sandbox"}
QUERY = """query($after: String, $q: String) { customers(first: 250, after: $after, query: $q,
  sortKey: UPDATED_AT) { nodes { id updatedAt } pageInfo { hasNextPage endCursor } } }"""


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    from sandbox.world import generate_world

    generate_world(tmp_path / "w", people=300, seed=5)
    return tmp_path / "w"


def customers(handle, q: str | None = None) -> list[dict]:
    out, after = [], None
    while True:
        body = requests.post(handle.base_url + SHOP, headers=TOKEN, timeout=10,
                             json={"query": QUERY, "variables": {"after": after, "q": q}}).json()
        conn = body["data"]["customers"]
        out += conn["nodes"]
        if not conn["pageInfo"]["hasNextPage"]:
            return out
        after = conn["pageInfo"]["endCursor"]


def test_shop_mutation_seen_by_incremental_query(generated):
    handle = start_shop(generated)
    try:
        before = {c["id"]: c for c in customers(handle)}
        assert before == {c["id"]: c for c in handle.snapshot("customers")
                          for c in [{"id": c["id"], "updatedAt": c["updatedAt"]}]}
        high_water = max(c["updatedAt"] for c in before.values())
        time.sleep(1.1)  # the change stamp is the clock, at one-second precision
        summary = handle.mutate(new=4, updated=3, deleted=3, seed=1)
        changed = customers(handle, q=f"updated_at:>'{high_water}'")
        after = {c["id"] for c in handle.snapshot("customers")}
        part = summary["customers"]
        assert len(changed) == part["new"] + part["updated"]
        assert len(before) + part["new"] - part["deleted"] == len(after)
        gone = set(before) - after
        assert len(gone) == part["deleted"]
        assert not gone & {c["id"] for c in customers(handle)}
        truth = (generated / "truth" / "records.jsonl").read_text().splitlines()
        new_ids = after - set(before)
        assert new_ids <= {json.loads(x)["source_id"] for x in truth}
    finally:
        handle.stop()


def test_erp_mutation_archives_and_unlinks(generated):
    handle = start_erp(generated)
    try:
        rpc = handle.base_url + "/jsonrpc"

        def count(domain):
            body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
                "service": "object", "method": "execute_kw",
                "args": ["cdp", 2, "odoo_sandbox_key", "res.partner", "search_count", [domain]]}}
            return requests.post(rpc, json=body, timeout=10).json()["result"]

        all_before = count([["active", "in", [True, False]]])
        summary = handle.mutate(new=0, updated=0, deleted=6, seed=2)["res.partner"]
        all_after = count([["active", "in", [True, False]]])
        assert all_before - all_after == summary["deleted"]
        assert count([]) == sum(1 for p in handle.snapshot("res.partner") if p["active"])
    finally:
        handle.stop()


def test_mutate_over_http_and_snapshot_endpoint(generated):
    handle = start_email(generated)
    try:
        resp = requests.post(handle.root_url + "/_sim/mutate",
                             json={"new": 3, "updated": 2, "deleted": 1, "seed": 3}, timeout=30)
        assert resp.status_code == 200 and "members" in resp.json()
        snap = requests.get(handle.root_url + "/_sim/snapshot/members", timeout=10).json()
        assert snap == handle.snapshot("members")
        assert requests.get(handle.root_url + "/_sim/snapshot/nope", timeout=10).status_code == 404
    finally:
        handle.stop()


def test_start_all_and_persistent_state(generated, tmp_path):
    handles = start_all(generated, state_dir=tmp_path / "state")
    try:
        assert set(handles) == {"shop", "erp", "email", "social"}
        assert handles["email"].base_url.endswith("/3.0")
        assert handles["social"].base_url.endswith("/2")
        handles["shop"].mutate(new=2, updated=0, deleted=0, seed=4)
        held = len(handles["shop"].snapshot("customers"))
    finally:
        for h in handles.values():
            h.stop()
    again = start_shop(generated, db_path=tmp_path / "state" / "shop.sqlite")
    try:
        assert len(again.snapshot("customers")) == held
    finally:
        again.stop()


def test_cli_prints_urls_and_stops_on_sigterm(generated):
    proc = subprocess.Popen([sys.executable, "-m", "sandbox.simulators", "--world",
                             str(generated)], stdout=subprocess.PIPE, text=True)
    try:
        urls = json.loads(proc.stdout.readline())
        assert set(urls) == {"shop", "erp", "email", "social"}
        resp = requests.get(urls["social"] + "/users/1",
                            headers={"Authorization": "Bearer x_sandbox_token"}, timeout=10)
        assert resp.status_code == 200
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_mutate_world_gives_a_new_person_one_id_in_every_system(generated):
    from sandbox.simulators import mutate_world

    truth = generated / "truth"
    before_people = len((truth / "people.jsonl").read_text().splitlines())
    before_records = len((truth / "records.jsonl").read_text().splitlines())
    handles = start_all(generated)
    try:
        summary = mutate_world(handles, new=20, updated=5, seed=3)
        served = {source: {str(r["id"]) for r in h.snapshot(coll)} for source, h, coll in (
            ("shop", handles["shop"], "customers"), ("erp", handles["erp"], "res.partner"),
            ("email", handles["email"], "members"), ("social", handles["social"], "users"))}
    finally:
        for handle in handles.values():
            handle.stop()
    people = [json.loads(x) for x in (truth / "people.jsonl").read_text().splitlines()]
    records = [json.loads(x) for x in (truth / "records.jsonl").read_text().splitlines()]
    new_people = people[before_people:]
    new_records = records[before_records:]
    assert len(new_people) == 20
    assert len({p["person_id"] for p in people}) == len(people), "a person id was minted twice"
    assert {r["person_id"] for r in new_records} == {p["person_id"] for p in new_people}
    assert summary["shop"]["customers"]["new"] > 0
    for row in new_records:
        if row["system"] in served and row["collection"].split("/")[-1] in (
                "customers", "res.partner", "members", "users"):
            assert str(row["source_id"]) in served[row["system"]]


def test_cli_options_and_world_mutation_over_http(generated):
    options = json.dumps({"shop": {"restore_rate": 2000.0, "bucket_size": 40000.0}})
    proc = subprocess.Popen([sys.executable, "-m", "sandbox.simulators", "--world",
                             str(generated), "--options", options], stdout=subprocess.PIPE,
                            text=True)
    try:
        urls = json.loads(proc.stdout.readline())
        body = requests.post(urls["shop"] + SHOP, headers=TOKEN, timeout=10, json={
            "query": QUERY, "variables": {"after": None, "q": None}}).json()
        throttle = body["extensions"]["cost"]["throttleStatus"]
        assert (throttle["restoreRate"], throttle["maximumAvailable"]) == (2000.0, 40000.0)
        root = urls["shop"].split("/admin")[0]
        summary = requests.post(root + "/_sim/mutate_world", json={"new": 5, "seed": 6},
                                timeout=60).json()
        assert {"shop", "erp", "email", "social"} <= set(summary)
        assert summary["shop"]["customers"]["new"] > 0 and summary["email"]["members"]["new"] > 0
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


def test_erp_mutation_gives_new_sale_orders_their_lines(generated):
    from decimal import Decimal

    handle = start_erp(generated)
    try:
        before = {line["id"] for line in handle.snapshot("sale.order.line")}
        old_orders = {so["id"] for so in handle.snapshot("sale.order")}
        summary = handle.mutate(new=40, updated=5, deleted=3, seed=8)
        lines = {line["id"]: line for line in handle.snapshot("sale.order.line")}
        orders = {so["id"]: so for so in handle.snapshot("sale.order")}
    finally:
        handle.stop()
    new_orders = set(orders) - old_orders
    assert new_orders and summary["sale.order"]["new"] == len(new_orders)
    assert summary["sale.order.line"]["new"] == len(lines) - len(before)
    assert min(set(lines) - before) > max(before), "new line ids continue the sequence"
    assert before <= set(lines), "no line was lost (no sale order was unlinked)"
    for sid in new_orders:
        so = orders[sid]
        mine = [lines[i] for i in so["order_line"]]
        assert 1 <= len(mine) <= 4
        assert all(line["order_id"] == [sid, so["name"]] for line in mine)
        assert all(line["create_date"] == so["create_date"] for line in mine)
        cents = sum(Decimal(str(line["price_subtotal"])) for line in mine)
        assert cents == Decimal(str(so["amount_untaxed"]))
    assert all(line["order_id"][0] in orders for line in lines.values())
