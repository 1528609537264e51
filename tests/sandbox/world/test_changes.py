"""make_changes against a world directory: new, updated and deleted records."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sandbox.world import make_changes
from sandbox.world.changes import COLLECTIONS
from sandbox.world.reader import DirectoryWorld, numeric_id

NOW = datetime(2025, 9, 1, 12, 30, 5, tzinfo=UTC)
STAMPS = {"shop/customers": ("updatedAt", "2025-09-01T12:30:05Z"),
          "shop/orders": ("updatedAt", "2025-09-01T12:30:05Z"),
          "erp/res.partner": ("write_date", "2025-09-01 12:30:05"),
          "email/members": ("last_changed", "2025-09-01T12:30:05+00:00")}


@pytest.fixture(scope="module")
def changes(world: Path):
    return make_changes(world, new=60, updated=15, deleted=8, seed=11, now=NOW)


def test_new_records_have_ids_beyond_existing(world: Path, changes) -> None:
    reader = DirectoryWorld(world)
    for collection in COLLECTIONS:
        new = changes[collection].new
        assert new, collection
        top = reader.max_id(collection)
        assert all(numeric_id(collection, r) > top for r in new), collection
    assert len(changes.truth_people) == 60
    assert min(p["person_id"] for p in changes.truth_people) == 2001


def test_new_records_come_with_truth(changes) -> None:
    truth = {(r["system"], r["source_id"]) for r in changes.truth_records}
    assert {("shop", c["id"]) for c in changes["shop/customers"].new} <= truth
    assert {("email", m["id"]) for m in changes["email/members"].new} <= truth
    individuals = {("erp", str(p["id"])) for p in changes["erp/res.partner"].new
                   if not p["is_company"]}
    assert individuals <= truth


def test_updates_keep_ids_and_stamp_now(load, changes) -> None:
    for collection, (stamp, value) in STAMPS.items():
        updated = changes[collection].updated
        assert len(updated) >= 15, collection
        existing = {r["id"]: r for r in load(collection)}
        for rec in updated:
            assert rec["id"] in existing and rec[stamp] == value
            assert rec != existing[rec["id"]]
        for rec in changes[collection].new:
            assert rec[stamp] == value


def test_deletions_follow_vendor_rules(load, changes) -> None:
    customers = {c["id"]: c for c in load("shop/customers")}
    gone = changes["shop/customers"].deleted
    assert gone and all(customers[g]["numberOfOrders"] == "0" for g in gone)
    partners = {p["id"]: p for p in load("erp/res.partner")}
    unlinked = changes["erp/res.partner"].deleted
    archived = [p for p in changes["erp/res.partner"].updated if p["active"] is False
                and partners[p["id"]]["active"]]
    assert len(unlinked) + len(archived) >= 8
    assert all(partners[i]["customer_rank"] == 0 for i in unlinked)
    assert sum(m["status"] == "archived" for m in changes["email/members"].updated) == 8
    for collection in COLLECTIONS:
        updated_ids = {r["id"] for r in changes[collection].updated}
        assert not updated_ids & set(changes[collection].deleted)


def test_same_seed_same_changes(world: Path, changes) -> None:
    again = make_changes(world, new=60, updated=15, deleted=8, seed=11, now=NOW)
    assert again.collections == changes.collections
    other = make_changes(world, new=60, updated=15, deleted=8, seed=12, now=NOW)
    assert other.collections != changes.collections


class _Store:
    """A minimal in-memory WorldReader, as a SQLite-backed simulator would offer."""

    def __init__(self, world: Path) -> None:
        self._dir = DirectoryWorld(world)

    def sample_existing(self, collection: str, k: int, rng: random.Random) -> list[dict]:
        return self._dir.sample_existing(collection, k, rng)

    def max_id(self, collection: str) -> int:
        return self._dir.max_id(collection)


def test_works_on_any_reader_and_rejects_a_past_clock(world: Path) -> None:
    cs = make_changes(_Store(world), new=5, updated=2, deleted=1, seed=1, now=NOW)
    assert len(cs.truth_people) == 5
    with pytest.raises(ValueError):
        make_changes(world, new=5, updated=0, deleted=0, seed=1,
                     now=datetime(2020, 1, 1, tzinfo=UTC))
