"""The knobs that shape a world: presence shares and how messy records are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

SYSTEMS = ("shop", "erp", "email", "social")


@dataclass(frozen=True)
class WorldSettings:
    """Shares are probabilities per person (or per record for the mess rates).

    Defaults follow the brief: presence 60/30/55/20 %, 3 % duplicates per
    system, 15 % of people in 2-4 person households, 30 % of households
    sharing a family email.
    """

    presence: tuple[float, float, float, float] = (0.60, 0.30, 0.55, 0.20)
    duplicate_rate: float = 0.03
    household_people_share: float = 0.15
    family_email_share: float = 0.30
    landline_share: float = 0.60
    email_changed: float = 0.12
    moved: float = 0.10
    no_mobile: float = 0.12
    typo: float = 0.03
    nickname: float = 0.12
    swap_names: float = 0.02
    last_comma_first: float = 0.10
    odd_case: float = 0.05
    stray_space: float = 0.04
    plus_address: float = 0.06
    gmail_dots: float = 0.06
    missing_email: float = 0.04
    missing_phone: float = 0.25
    bio_email: float = 0.25
    erp_ref_share: float = 0.30
    company_contact_share: float = 0.25
    guest_orders_per_person: float = 0.05
    start: datetime = datetime(2019, 1, 1, tzinfo=UTC)
    now: datetime = datetime(2025, 6, 1, tzinfo=UTC)

    def raw_presence(self) -> tuple[float, ...]:
        """Per-system draw probabilities that still hit `presence` after the
        "in at least one system" fallback re-draws people who landed nowhere."""
        raw = list(self.presence)
        for _ in range(50):
            none = 1.0
            for p in raw:
                none *= 1.0 - p
            total = sum(raw)
            raw = [max(1e-6, target - none * p / total) for target, p in
                   zip(self.presence, raw, strict=True)]
        return tuple(raw)
