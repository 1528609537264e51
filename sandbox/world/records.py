"""Turns one household into every record it leaves behind, plus the truth rows.

Shared by the full world build and by change sets, so new people in a change
set look exactly like the people of the original world.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from . import erp, mailchimp, mess, shop, social
from .clock import Ids, epoch
from .people import Person
from .settings import WorldSettings

Emit = Callable[[str, dict], None]
DAY = 86400


class RecordMaker:
    """Holds what outlives a household: id counters, ERP companies, campaign counters."""

    def __init__(self, settings: WorldSettings, rng: random.Random, emit: Emit,
                 ids: Ids | None = None, now: int | None = None) -> None:
        self.s, self.rng, self.emit = settings, rng, emit
        self.ids = ids or Ids()
        self.start = epoch(settings.start)
        self.now = now if now is not None else epoch(settings.now)
        self.erp = erp.ErpContext(rng, self.start, self.now)
        self.campaigns = mailchimp.Campaigns(rng, self.now)

    def _truth(self, system: str, collection: str, source_id: object, p: Person) -> None:
        self.emit("truth/records", {"system": system, "collection": collection,
                                    "source_id": str(source_id), "person_id": p.person_id,
                                    "household_id": p.household_id})

    def _since(self, p: Person, created_at: int | None) -> int:
        if created_at is not None:
            return created_at
        ts = int(p.since.timestamp()) + self.rng.randint(-120 * DAY, 200 * DAY)
        return min(max(ts, self.start), self.now - 3600)

    def _email(self, p: Person, used: set[str], tag: str, *, old: bool, required: bool) -> str:
        """An email for a system that rejects duplicates (Shopify, Mailchimp)."""
        e = mess.email_view(p, self.rng, self.s, old_system=old, tag=tag)
        if not e and not required:
            return ""
        for candidate in (e, p.email, mess.plus_address(p.email, tag),
                          mess.plus_address(p.email, tag + "2")):
            if candidate and candidate.strip().lower() not in used:
                used.add(candidate.strip().lower())
                return candidate
        return ""

    def household(self, members: list[Person], created_at: int | None = None) -> None:
        """Emit every record the household's people left in the four systems."""
        rng, s, now, emit = self.rng, self.s, self.now, self.emit
        shop_used: set[str] = set()
        list_used: set[str] = set()
        for p in members:
            emit("truth/people", p.truth())
            in_shop, in_erp, in_email, in_social = p.systems
            gid = None
            for copy in range(2 if in_shop and rng.random() < s.duplicate_rate else int(in_shop)):
                email = self._email(p, shop_used, "shop", old=copy > 0, required=False)
                g = shop.customer(p, self.ids, rng, s, now, self._since(p, created_at), email,
                                  emit, with_phone=copy == 0)
                gid = gid or g
                self._truth("shop", "customers", g, p)
            if not in_shop and rng.random() < s.guest_orders_per_person:
                ts = self._since(p, created_at)
                node, _ = shop.order_node(self.ids, rng, ts, now, p.email, None, None)
                emit("shop/orders", node)
            for _ in range(2 if in_erp and rng.random() < s.duplicate_rate else int(in_erp)):
                pid = erp.partner(p, self.erp, self.ids, rng, s, now,
                                  self._since(p, created_at), gid, emit)
                self._truth("erp", "res.partner", pid, p)
            for _ in range(2 if in_email and rng.random() < s.duplicate_rate else int(in_email)):
                email = self._email(p, list_used, "news", old=False, required=True)
                if not email:
                    continue
                mid = mailchimp.member(p, self.campaigns, self.ids, rng, s, now,
                                       self._since(p, created_at), email, emit)
                self._truth("email", "members", mid, p)
            dup = in_social and rng.random() < s.duplicate_rate
            for variant in range(2 if dup else int(in_social)):
                bio = None
                if rng.random() < s.bio_email:
                    bio = mess.email_view(p, rng, s, old_system=False, tag="x") or None
                uid = social.user(p, self.ids, rng, now, variant, bio, emit,
                                  active_from=created_at)
                self._truth("social", "users", uid, p)
