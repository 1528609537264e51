"""Changes between two reads of a source: new, updated and deleted records.

The simulators (`sandbox/simulators`) apply a :class:`ChangeSet` to the world
they serve, so that connector tests can check incremental reads, cursor ties
and deletion handling against realistic vendor behaviour.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from .clock import Ids, epoch, snowflake
from .edits import EDITS, Edit
from .people import iter_households
from .reader import DirectoryWorld
from .records import RecordMaker
from .settings import WorldSettings

#: Collections a change set may touch, keyed like the world's files.
COLLECTIONS = (
    "shop/customers",
    "shop/orders",
    "erp/res.partner",
    "erp/sale.order",
    "erp/sale.order.line",
    "erp/account.move",
    "email/members",
    "social/users",
    "social/tweets",
    "social/dm_events",
)


class WorldReader(Protocol):
    """What `make_changes` needs from a world, so it runs on files or a SQLite store.

    `collection` is a world file key without extension, e.g. ``"shop/customers"``,
    ``"erp/res.partner"``, ``"email/members"``, plus ``"truth/people"``.
    """

    def sample_existing(self, collection: str, k: int, rng: random.Random) -> list[dict]:
        """Up to `k` distinct current records of `collection`, chosen with `rng`.

        Records are full vendor-shaped dicts as held now (after earlier changes).
        The choice must depend only on `rng` and the store's contents, so the
        same seed on the same store gives the same change set.
        """
        ...

    def max_id(self, collection: str) -> int:
        """The largest numeric id in `collection`, 0 when empty.

        Numeric id means: the number after the last ``/`` of a Shopify gid, the
        Odoo int id, ``int(id)`` for X objects, the ``web_id`` for Mailchimp
        members and ``person_id`` for ``truth/people``.
        """
        ...


@dataclass
class CollectionChanges:
    """The changes to one collection.

    new:      full records in the vendor's shape with ids above every existing id.
    updated:  full new versions of existing records (same id) with at least one
              field changed and the system's change stamp set to `now`
              (``updatedAt`` / ``write_date`` / ``last_changed``). Replace the old
              record by id. Odoo archiving is an update with ``active: false``;
              Mailchimp archiving is an update with ``status: "archived"``.
    deleted:  ids (same type as the record's id field) to remove for good:
              Shopify customer deletes (only customers without orders, as Shopify
              allows) and Odoo ``unlink`` of partners without sales.
    """

    new: list[dict] = field(default_factory=list)
    updated: list[dict] = field(default_factory=list)
    deleted: list[Any] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.new) + len(self.updated) + len(self.deleted)


@dataclass
class ChangeSet:
    """Everything one `make_changes` call produces.

    collections:    ``{"shop/customers": CollectionChanges, ...}`` for every key in
                    :data:`COLLECTIONS` (possibly empty).
    truth_records:  ``{system, collection, source_id, person_id, household_id}`` rows
                    for the new person-bearing records (same shape as
                    ``truth/records.jsonl``); ``source_id`` is the record id as text.
    truth_people:   ``truth/people.jsonl`` rows for the new people.
    now:            the change stamp used for every new and updated record.
    """

    now: datetime
    collections: dict[str, CollectionChanges] = field(
        default_factory=lambda: {c: CollectionChanges() for c in COLLECTIONS}
    )
    truth_records: list[dict] = field(default_factory=list)
    truth_people: list[dict] = field(default_factory=list)

    def __getitem__(self, collection: str) -> CollectionChanges:
        return self.collections[collection]


def make_changes(
    world: WorldReader | str | Path,
    *,
    new: int,
    updated: int,
    deleted: int,
    seed: int,
    now: datetime,
    settings: WorldSettings | None = None,
) -> ChangeSet:
    """Build a change set against `world` (a :class:`WorldReader` or a world dir).

    new:      number of new people; each brings records in the systems they use
              (customers with orders, partners with sale orders, their lines and
              invoices, members, X users with tweets and DMs), ids beyond
              ``max_id``, all created and stamped at `now`.
    updated:  records to update in each of shop/customers, shop/orders,
              erp/res.partner, email/members and social/users (fewer when the
              collection is smaller).
    deleted:  records to remove in each of shop/customers, erp/res.partner and
              email/members: Shopify deletes (customers without orders only, so
              possibly fewer), Odoo unlinks partners without sales and archives the
              others, Mailchimp archives. Deleted records are never also updated.

    `now` must be timezone-aware and later than every existing X object, so new
    X ids stay above old ones (``since_id`` polling depends on it).
    """
    reader = world if hasattr(world, "sample_existing") else DirectoryWorld(Path(world))
    rng = random.Random(seed)
    ts = epoch(now)
    cs = ChangeSet(now=now)
    _add_new(cs, reader, rng, ts, new, settings or WorldSettings())
    for collection, edit in EDITS.items():
        _update_and_delete(cs, reader, rng, ts, collection, edit, updated, deleted)
    return cs


def _add_new(cs: ChangeSet, reader: WorldReader, rng: random.Random, ts: int, new: int,
             s: WorldSettings) -> None:
    floor = max(reader.max_id(c) for c in ("social/users", "social/tweets", "social/dm_events"))
    if new and snowflake(ts, 0) <= floor:
        raise ValueError("`now` is not later than the newest X object in the world")
    start = {c: m for c in COLLECTIONS if (m := reader.max_id(c)) > 0}

    def emit(collection: str, record: dict) -> None:
        if collection == "truth/records":
            cs.truth_records.append(record)
        elif collection == "truth/people":
            cs.truth_people.append(record)
        elif collection in cs.collections:
            cs.collections[collection].new.append(record)

    maker = RecordMaker(s, rng, emit, ids=Ids(start), now=ts)
    first = reader.max_id("truth/people") + 1
    for members in iter_households(first, new, rng, s):
        maker.household(members, created_at=ts)


def _update_and_delete(cs: ChangeSet, reader: WorldReader, rng: random.Random, ts: int,
                       collection: str, edit: Edit, updated: int, deleted: int) -> None:
    deletes = deleted if edit.delete else 0
    pool = [json.loads(json.dumps(r)) for r in reader.sample_existing(
        collection, updated + deletes * (4 if collection == "shop/customers" else 1), rng)]
    out = cs.collections[collection]
    rest = []
    for rec in pool:
        if deletes and edit.delete is not None:
            verdict = edit.delete(rec, rng, ts)
            if verdict is not None:
                deletes -= 1
                if verdict is True:
                    out.deleted.append(rec["id"])
                else:
                    out.updated.append(verdict)
                continue
        rest.append(rec)
    for rec in rest[:updated]:
        out.updated.append(edit.update(rec, rng, ts))
