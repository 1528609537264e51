"""True people and the households they live in.

Everything identifying is derived from the person id through injective maps
(email suffixes, phone subscriber numbers), so two different people never get
the same email or mobile by accident, without remembering what was handed out:
memory stays flat however many people a world has.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from datetime import timedelta
from functools import lru_cache

from .settings import WorldSettings
from .tables import (
    CITIES,
    COUNTRY_CODES,
    COUNTRY_WEIGHTS,
    EMAIL_DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    MOBILE_PREFIXES,
    STREETS,
)

_COUNTRIES = [c for c, _ in COUNTRY_WEIGHTS]
_COUNTRY_W = [w for _, w in COUNTRY_WEIGHTS]


@lru_cache(maxsize=4096)
def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters only, as people type names into email addresses."""
    norm = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    return "".join(ch for ch in norm.lower() if "a" <= ch <= "z")


def subscriber(n: int, digits: int) -> str:
    """A `digits`-long number, distinct for every n below 10**digits."""
    mod = 10 ** digits
    return str((n * 7919 + 4649) % mod).zfill(digits)


class Person:
    """One real human; system records are noisy views of this."""

    __slots__ = (
        "person_id", "household_id", "country", "first_name", "last_name", "birth_date",
        "email", "old_email", "family_email", "mobile", "landline", "street", "street2",
        "city", "postcode", "city_row", "old_address", "systems", "since",
    )

    def truth(self) -> dict:
        phone = self.mobile or self.landline
        return {
            "person_id": self.person_id, "household_id": self.household_id,
            "first_name": self.first_name, "last_name": self.last_name, "email": self.email,
            "phone": "+" + "".join(phone) if phone else None,
            "birth_date": self.birth_date.isoformat(), "street": self.street,
            "city": self.city, "postcode": self.postcode, "country_code": self.country,
        }


def _postcode(pattern: str, rng: random.Random) -> str:
    out = []
    for ch in pattern:
        if ch == "#":
            out.append(str(rng.randrange(10)))
        elif ch == "A":
            out.append(rng.choice("ABDEFGHJLNPQRSTUWXYZ"))
        else:
            out.append(ch)
    return "".join(out)


def _address(country: str, rng: random.Random) -> tuple[str, str, str, str, tuple]:
    row = rng.choice(CITIES[country])
    number = rng.randint(1, 240)
    street = rng.choice(STREETS[country])
    line = f"{street} {number}" if country == "DE" else f"{number} {street}"
    street2 = ""
    if rng.random() < 0.12:
        street2 = {"US": f"Apt {rng.randint(1, 40)}", "GB": f"Flat {rng.randint(1, 12)}",
                   "DE": f"{rng.randint(1, 5)}. OG", "FR": f"Bât. {rng.choice('ABC')}"}[country]
    return line, street2, row[0], _postcode(row[2], rng), row


def personal_email(first: str, last: str, n: int, rng: random.Random) -> str:
    """An address in one of the shapes people pick; `n` makes it unique."""
    f, la = ascii_slug(first) or "x", ascii_slug(last) or "y"
    shape = rng.randrange(6)
    local = (f"{f}.{la}{n}", f"{f}{la}{n}", f"{f[0]}{la}{n}", f"{f}_{la}{n}",
             f"{la}.{f}{n}", f"{f}{n}")[shape]
    return f"{local}@{rng.choice(EMAIL_DOMAINS)}"


Phone = tuple[str, str, str]


def mobile_for(country: str, row: tuple, n: int, rng: random.Random) -> Phone:
    """(country code, prefix, subscriber) of a mobile, distinct for every n."""
    prefix, digits = rng.choice(MOBILE_PREFIXES[country])
    if country == "US":
        return "1", row[3], str(2_000_000 + (n * 7919 + 4649) % 8_000_000)
    return COUNTRY_CODES[country], prefix, subscriber(n, digits)


def landline_for(country: str, row: tuple, household_id: int) -> Phone:
    """The household's fixed line: area code of its city, distinct per household."""
    n = 2 * household_id + 1
    if country == "US":
        return "1", row[3], str(2_000_000 + (n * 7919 + 4649) % 8_000_000)
    return COUNTRY_CODES[country], row[3], subscriber(n, row[4])


def _systems(raw: tuple[float, ...], rng: random.Random) -> tuple[bool, ...]:
    got = tuple(rng.random() < p for p in raw)
    if any(got):
        return got
    pick = rng.choices(range(4), weights=raw)[0]
    return tuple(i == pick for i in range(4))


def make_person(person_id: int, household_id: int, rng: random.Random, s: WorldSettings,
                raw: tuple[float, ...], home: Person | None = None) -> Person:
    """A person; with `home` they join that person's household and address."""
    p = Person()
    p.person_id, p.household_id = person_id, household_id
    p.country = home.country if home else rng.choices(_COUNTRIES, _COUNTRY_W)[0]
    p.first_name = rng.choice(FIRST_NAMES[p.country])
    if home and rng.random() < 0.8:
        p.last_name = home.last_name
    else:
        p.last_name = rng.choice(LAST_NAMES[p.country])
    age_days = rng.randint(18 * 365, 85 * 365) if not home else rng.randint(12 * 365, 80 * 365)
    p.birth_date = s.now.date() - timedelta(days=age_days)
    p.email = personal_email(p.first_name, p.last_name, 4 * person_id, rng)
    p.old_email = None
    if rng.random() < s.email_changed:
        p.old_email = personal_email(p.first_name, p.last_name, 4 * person_id + 1, rng)
    p.family_email = home.family_email if home else None
    if home:
        p.street, p.street2, p.city, p.postcode = home.street, home.street2, home.city, \
            home.postcode
        p.city_row, p.landline = home.city_row, home.landline
    else:
        p.street, p.street2, p.city, p.postcode, p.city_row = _address(p.country, rng)
        p.landline = None
    p.mobile = None if rng.random() < s.no_mobile else mobile_for(
        p.country, p.city_row, 2 * person_id, rng)
    p.old_address = _address(p.country, rng) if rng.random() < s.moved else None
    p.systems = _systems(raw, rng)
    span = (s.now - s.start).total_seconds()
    p.since = s.start + timedelta(seconds=int(span * rng.random() ** 0.8))
    return p


def household_sizes(s: WorldSettings) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """Size weights so that `household_people_share` of people live with others."""
    multi = {2: 0.5, 3: 0.3, 4: 0.2}
    mean = sum(k * w for k, w in multi.items())
    share = s.household_people_share
    q = share / (mean * (1 - share) + share) if share < 1 else 1.0
    return (1, 2, 3, 4), (1 - q, *(q * w for w in multi.values()))


def iter_households(first_person_id: int, count: int, rng: random.Random, s: WorldSettings,
                    first_household_id: int | None = None) -> Iterator[list[Person]]:
    """Households, person ids counting up from `first_person_id`, `count` people in all.

    Household ids never exceed person ids (one household has at least one person),
    so new worlds and change sets can number households from the person id range.
    """
    sizes, weights = household_sizes(s)
    raw = s.raw_presence()
    pid, hid = first_person_id, first_household_id or first_person_id
    end = first_person_id + count
    while pid < end:
        size = min(rng.choices(sizes, weights)[0], end - pid)
        head = make_person(pid, hid, rng, s, raw)
        if size > 1:
            head.landline = landline_for(head.country, head.city_row, hid) \
                if rng.random() < s.landline_share else None
            if rng.random() < s.family_email_share:
                la = ascii_slug(head.last_name) or "family"
                local = rng.choice((f"the{la}s{4 * hid + 3}", f"{la}family{4 * hid + 3}",
                                    f"{la}.home{4 * hid + 3}"))
                head.family_email = f"{local}@{rng.choice(EMAIL_DOMAINS)}"
        members = [head]
        for i in range(1, size):
            members.append(make_person(pid + i, hid, rng, s, raw, home=head))
        pid += size
        hid += 1
        yield members

