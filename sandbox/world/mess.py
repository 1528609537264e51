"""The corruptions real systems accumulate, applied to one field at a time.

Each function takes the clean value and the generator's rng and returns what a
particular system ended up holding; identity resolution has to see through it.
"""

from __future__ import annotations

import random

from .people import Person, Phone
from .settings import WorldSettings
from .tables import NICKNAMES

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(text: str, rng: random.Random) -> str:
    """One keyboard slip: substitute, drop, double or swap one character."""
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        ch = rng.choice(_LETTERS)
        return text[:i] + (ch.upper() if text[i].isupper() else ch) + text[i + 1:]
    if kind == 1:
        return text[:i] + text[i + 1:]
    if kind == 2:
        return text[:i] + text[i] + text[i:]
    return text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]


def odd_case(text: str, rng: random.Random) -> str:
    return text.upper() if rng.random() < 0.5 else text.lower()


def stray_space(text: str, rng: random.Random) -> str:
    return rng.choice((f" {text}", f"{text} ", f"{text}  ", f"  {text}"))


def first_name_view(first: str, rng: random.Random, s: WorldSettings) -> str:
    """The first name as typed in one system: nickname, typo or clean."""
    nicks = NICKNAMES.get(first)
    if nicks and rng.random() < s.nickname * 3:
        return rng.choice(nicks)
    return typo(first, rng) if rng.random() < s.typo else first


def name_view(p: Person, rng: random.Random, s: WorldSettings) -> tuple[str, str]:
    """(first, last) as one system holds them, with the usual slips."""
    first = first_name_view(p.first_name, rng, s)
    last = typo(p.last_name, rng) if rng.random() < s.typo else p.last_name
    if rng.random() < s.swap_names:
        first, last = last, first
    r = rng.random()
    if r < s.odd_case:
        first, last = odd_case(first, rng), odd_case(last, rng)
    elif r < s.odd_case + s.stray_space:
        first, last = stray_space(first, rng), stray_space(last, rng)
    return first, last


def full_name(first: str, last: str, rng: random.Random, s: WorldSettings) -> str:
    """"First Last", sometimes "LAST, First" as back-office clerks enter it."""
    if rng.random() < s.last_comma_first:
        return f"{last.strip().upper()}, {first.strip()}"
    return f"{first} {last}".strip()


def plus_address(email: str, tag: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local}+{tag}@{domain}"


def gmail_dots(email: str, rng: random.Random) -> str:
    """Gmail ignores dots, so people type them in or leave them out at will."""
    local, _, domain = email.partition("@")
    if domain != "gmail.com":
        return email
    if "." in local:
        return local.replace(".", "") + "@" + domain
    cut = rng.randrange(1, max(2, len(local) - 1))
    return f"{local[:cut]}.{local[cut:]}@{domain}"


def email_view(p: Person, rng: random.Random, s: WorldSettings, *, old_system: bool,
               tag: str) -> str:
    """The email one system holds; empty when the person never gave one."""
    if rng.random() < s.missing_email:
        return ""
    base = p.old_email if old_system and p.old_email else p.email
    if p.family_email and rng.random() < 0.5:
        base = p.family_email
    r = rng.random()
    if r < s.plus_address:
        base = plus_address(base, tag)
    elif r < s.plus_address + s.gmail_dots:
        base = gmail_dots(base, rng)
    elif r < s.plus_address + s.gmail_dots + s.odd_case:
        base = base.upper() if rng.random() < 0.3 else base.capitalize()
    return base


def e164(phone: Phone) -> str:
    return f"+{phone[0]}{phone[1]}{phone[2]}"


def _pairs(digits: str) -> str:
    return " ".join(digits[i:i + 2] for i in range(0, len(digits), 2))


def format_phone(phone: Phone, rng: random.Random) -> str:
    """One of the ways people and clerks write the same number."""
    cc, pre, sub = phone
    style = rng.randrange(6)
    if cc == "1":
        return (f"+1{pre}{sub}", f"+1 {pre} {sub[:3]} {sub[3:]}", f"({pre}) {sub[:3]}-{sub[3:]}",
                f"{pre}-{sub[:3]}-{sub[3:]}", f"001 {pre} {sub[:3]} {sub[3:]}",
                f"{pre}.{sub[:3]}.{sub[3:]}")[style]
    if cc == "33":
        national = "0" + pre + sub
        return (f"+33{pre}{sub}", f"+33 {pre} {_pairs(sub)}", _pairs(national),
                national[:2] + "-" + "-".join(_pairs(national[2:]).split()),
                f"0033 {pre} {_pairs(sub)}", f"+33 (0){pre} {_pairs(sub)}")[style]
    half = len(sub) // 2
    return (f"+{cc}{pre}{sub}", f"+{cc} {pre} {sub}", f"0{pre} {sub[:half]} {sub[half:]}",
            f"0{pre}-{sub}" if cc == "44" else f"0{pre}/{sub}", f"00{cc} {pre} {sub}",
            f"+{cc} (0){pre} {sub}")[style]


def phone_view(p: Person, rng: random.Random, s: WorldSettings, *, e164_only: bool) -> str:
    """A phone as held: mobile or the household landline, formatted or missing."""
    phone = p.mobile
    if p.landline and (phone is None or rng.random() < 0.3):
        phone = p.landline
    if phone is None or rng.random() < s.missing_phone:
        return ""
    return e164(phone) if e164_only else format_phone(phone, rng)


def address_view(p: Person, rng: random.Random, *, old_system: bool) -> tuple:
    """(street, street2, city, postcode, city_row): older systems keep old addresses."""
    if old_system and p.old_address:
        return p.old_address
    return p.street, p.street2, p.city, p.postcode, p.city_row
