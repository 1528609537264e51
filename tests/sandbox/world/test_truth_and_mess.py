"""Ground truth covers every person record, stays out of system files, and the
mess the identity stage must see through is really there."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

PERSON_FILES = {("shop", "customers"): "shop/customers", ("erp", "res.partner"):
                "erp/res.partner", ("email", "members"): "email/members",
                ("social", "users"): "social/users"}


def test_truth_covers_every_person_record(load) -> None:
    truth = {(r["system"], r["collection"], r["source_id"]) for r in load("truth/records")}
    expected = set()
    for (system, collection), key in PERSON_FILES.items():
        for rec in load(key):
            if rec.get("is_company"):
                continue
            expected.add((system, collection, str(rec["id"])))
    assert truth == expected
    people = {p["person_id"] for p in load("truth/people")}
    assert {r["person_id"] for r in load("truth/records")} <= people


def test_no_truth_leaks_into_system_files(world: Path) -> None:
    for path in world.glob("[!t]*/*.jsonl"):
        text = path.read_text(encoding="utf-8")
        assert '"person_id"' not in text and '"household_id"' not in text, path


def _views(load) -> dict[int, list[tuple[str, str, str]]]:
    """person_id -> [(system, email, phone)] as the systems hold them."""
    by_source = {(r["system"], r["source_id"]): r["person_id"] for r in load("truth/records")}
    out: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for c in load("shop/customers"):
        out[by_source["shop", c["id"]]].append(("shop", c["email"] or "", c["phone"] or ""))
    for p in load("erp/res.partner"):
        if not p["is_company"]:
            out[by_source["erp", str(p["id"])]].append(
                ("erp", p["email"] or "", p["mobile"] or p["phone"] or ""))
    for m in load("email/members"):
        out[by_source["email", m["id"]]].append(
            ("email", m["email_address"], m["merge_fields"]["PHONE"]))
    return out


def test_same_person_differs_across_systems(load) -> None:
    digits = re.compile(r"\D")
    email_diff = phone_fmt_diff = 0
    for views in _views(load).values():
        emails = {e for _, e, _ in views if e}
        if len({e.strip().lower() for e in emails}) > 1:
            email_diff += 1
        phones = {p for _, _, p in views if p}
        if len(phones) > 1 and len({digits.sub("", p)[-8:] for p in phones}) == 1:
            phone_fmt_diff += 1
    assert email_diff > 50 and phone_fmt_diff > 20


def test_plus_addresses_nicknames_and_comma_names_exist(load) -> None:
    emails = [c["email"] or "" for c in load("shop/customers")] + \
             [m["email_address"] for m in load("email/members")]
    assert any("+" in e.split("@")[0] for e in emails)
    names = [p["name"] for p in load("erp/res.partner")]
    assert any(re.fullmatch(r"[^,]+, \S.*", n) for n in names)
    truth = {p["person_id"]: p for p in load("truth/people")}
    by_source = {(r["system"], r["source_id"]): r["person_id"] for r in load("truth/records")}
    nicks = [c for c in load("shop/customers")
             if truth[by_source["shop", c["id"]]]["first_name"] == "Robert"
             and c["firstName"] in ("Bob", "Rob", "Bobby")]
    assert nicks, "no Robert goes by Bob/Rob/Bobby"


def test_households_share_email_and_addresses(load) -> None:
    by_source = {(r["system"], r["source_id"]): (r["person_id"], r["household_id"])
                 for r in load("truth/records")}
    email_people: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for p in load("erp/res.partner"):
        if p["email"] and not p["is_company"]:
            email_people[p["email"].strip().lower()].add(by_source["erp", str(p["id"])])
    for c in load("shop/customers"):
        if c["email"]:
            email_people[c["email"].strip().lower()].add(by_source["shop", c["id"]])
    shared = [v for v in email_people.values() if len({pid for pid, _ in v}) > 1]
    assert shared and all(len({hid for _, hid in v}) == 1 for v in shared)
    homes: dict[int, set[str]] = defaultdict(set)
    for p in load("truth/people"):
        homes[p["household_id"]].add(p["street"] + p["postcode"])
    assert sum(len(v) == 1 for v in homes.values()) == len(homes)


def test_same_name_different_people(load) -> None:
    names: dict[tuple[str, str], set[str]] = defaultdict(set)
    for p in load("truth/people"):
        names[p["first_name"], p["last_name"]].add(p["city"])
    assert sum(len(cities) > 1 for cities in names.values()) >= 5


def test_manifest_is_json(world: Path) -> None:
    assert json.loads((world / "manifest.json").read_text())["counts"]
