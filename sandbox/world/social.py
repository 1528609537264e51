"""A person's X (Twitter) presence: a user object, brand mentions and DMs (API v2 shape)."""

from __future__ import annotations

import random
from collections.abc import Callable

from .clock import Ids, between, iso_ms_z, snowflake
from .people import Person, ascii_slug
from .tables import COUNTRY_NAMES, EMOJI, NICKNAMES, OCCUPATIONS

BRAND_ID = "1000000000000000001"
BRAND_HANDLE = "cdpkit_brand"
Emit = Callable[[str, dict], None]
_X_LAUNCH = 1_230_768_000  # 2009-01-01

_MENTIONS = ("Loving my new {p} from @cdpkit_brand!", "@cdpkit_brand where is my order? 😤",
             "Shout-out to @cdpkit_brand for the quick delivery", "@cdpkit_brand do you ship to "
             "{c}?", "Just ordered the {p} @cdpkit_brand 🙌", "@cdpkit_brand my {p} arrived "
             "damaged, please help", "Anyone else tried the {p} by @cdpkit_brand?")
_REPLIES = ("@cdpkit_brand thanks, that worked!", "@cdpkit_brand still waiting…",
            "@cdpkit_brand yes please!", "@cdpkit_brand can you DM me?",
            "@cdpkit_brand 😍😍")
_DMS = ("Hi, my order hasn't arrived yet.", "Can I change my delivery address?",
        "Hello! My email is {e} if you need it.", "Is the {p} back in stock?",
        "Please call me on {t}", "Thanks for sorting it out!")
_PRODUCTS = ("hoodie", "mug", "tote bag", "rain jacket", "sneakers", "notebook")


def _display_name(p: Person, rng: random.Random) -> str:
    first = p.first_name
    nicks = NICKNAMES.get(first)
    if nicks and rng.random() < 0.4:
        first = rng.choice(nicks)
    shape = rng.randrange(7)
    return (f"{first} {p.last_name}", first, f"{first} {p.last_name[0]}.",
            f"{first} {rng.choice(EMOJI)}", f"{first.lower()} {p.last_name.lower()}",
            f"{rng.choice(EMOJI)} {first} {p.last_name}", f"{first}{p.last_name}")[shape]


def username(p: Person, variant: int) -> str:
    """A handle of at most 15 chars; the digit tail keeps it unique per person."""
    digits = str(4 * p.person_id + variant)
    f, la = ascii_slug(p.first_name) or "x", ascii_slug(p.last_name) or "y"
    letters = (f"{f}_{la}", f"{f}{la}", f"{la}_{f}", f"{f[0]}{la}")[variant % 4]
    return letters[: 15 - len(digits)] + digits


def _bio(p: Person, rng: random.Random, email: str | None) -> str:
    job = rng.choice(OCCUPATIONS)
    if email:
        return rng.choice((f"{job} in {p.city}. contact: {email}",
                           f"{job} {rng.choice(EMOJI)} | {email}",
                           f"{job}. Business enquiries: {email}"))
    return rng.choice((f"{job} in {p.city}", f"{job} {rng.choice(EMOJI)}", "", job,
                       f"{job} | opinions my own"))


def user(p: Person, ids: Ids, rng: random.Random, now: int, variant: int, email: str | None,
         emit: Emit, active_from: int | None = None) -> str:
    """Write one X user with their mentions and DMs; returns the user id.

    `active_from` pins account creation and activity to one moment (change sets).
    """
    created = active_from if active_from is not None else between(rng, _X_LAUNCH, now - 86400)
    uid = str(snowflake(created, ids.next("social/seq")))
    where = rng.choice((p.city, f"{p.city}, {COUNTRY_NAMES[p.country]}", "", "🌍",
                        COUNTRY_NAMES[p.country]))
    emit("social/users", {
        "id": uid, "name": _display_name(p, rng), "username": username(p, variant),
        "created_at": iso_ms_z(created), "description": _bio(p, rng, email), "location": where,
        "url": "" if rng.random() < 0.8 else f"https://{ascii_slug(p.last_name)}.example",
        "verified": rng.random() < 0.01, "protected": rng.random() < 0.04,
        "public_metrics": {"followers_count": int(rng.paretovariate(1.2) * 20),
                           "following_count": rng.randint(0, 2000),
                           "tweet_count": rng.randint(1, 20000),
                           "listed_count": rng.randint(0, 30)},
    })
    active_from = max(created, now - 2 * 365 * 86400)
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        tweet(uid, ids, rng, between(rng, active_from, now), p, emit)
    if rng.random() < 0.3:
        for _ in range(rng.choice((1, 1, 2))):
            dm(uid, ids, rng, between(rng, active_from, now), p, email, emit)
    return uid


def tweet(uid: str, ids: Ids, rng: random.Random, ts: int, p: Person, emit: Emit) -> None:
    tid = str(snowflake(ts, ids.next("social/seq")))
    node = {"id": tid, "author_id": uid, "conversation_id": tid, "created_at": iso_ms_z(ts),
            "lang": {"DE": "de", "FR": "fr"}.get(p.country, "en") if rng.random() < 0.4
            else "en",
            "public_metrics": {"retweet_count": rng.randint(0, 5), "reply_count": rng.randint(0, 3),
                               "like_count": rng.randint(0, 40), "quote_count": 0}}
    if rng.random() < 0.35:
        brand_post = ts - rng.randint(600, 5 * 86400)
        node["conversation_id"] = str(snowflake(brand_post, 0))
        node["in_reply_to_user_id"] = BRAND_ID
        node["text"] = rng.choice(_REPLIES)
    else:
        node["text"] = rng.choice(_MENTIONS).format(p=rng.choice(_PRODUCTS),
                                                     c=COUNTRY_NAMES[p.country])
    emit("social/tweets", node)


def dm(uid: str, ids: Ids, rng: random.Random, ts: int, p: Person, email: str | None,
       emit: Emit) -> None:
    text = rng.choice(_DMS).format(e=email or p.email, p=rng.choice(_PRODUCTS),
                                   t="+" + "".join(p.mobile) if p.mobile else "my landline")
    emit("social/dm_events", {
        "id": str(snowflake(ts, ids.next("social/seq"))), "event_type": "MessageCreate",
        "text": text, "sender_id": uid, "dm_conversation_id": f"{BRAND_ID}-{uid}",
        "created_at": iso_ms_z(ts),
    })
