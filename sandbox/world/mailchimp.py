"""A person's Mailchimp list members and their campaign activity.

Named after the vendor rather than ``email`` so that it can never shadow the
standard library's ``email`` package.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable

from . import mess
from .clock import Ids, between, iso_offset
from .people import Person
from .settings import WorldSettings
from .tables import LANGUAGES

LIST_ID = "a1b2c3d4e5"
Emit = Callable[[str, dict], None]
_TAGS = ((2001, "customer"), (2002, "newsletter"), (2003, "black-friday-2024"),
         (2004, "vip"), (2005, "webinar"), (2006, "import-2021"))
_SUBJECTS = ("Spring collection is here", "Your weekend read", "20% off everything",
             "New arrivals", "Summer sale ends tonight", "We miss you", "Back in stock",
             "Behind the scenes", "Autumn lookbook", "Black Friday early access",
             "Gift guide 2024", "Thank you for a great year", "Winter essentials")
_SOURCES = ("API - Generic", "Admin Add", "Hosted Signup Form", "Import", "Shopify")


def member_id(email: str) -> str:
    """Mailchimp's subscriber hash: md5 of the lower-cased address."""
    return hashlib.md5(email.lower().encode()).hexdigest()


def _ip(rng: random.Random) -> str:
    return f"{rng.randint(2, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}." \
           f"{rng.randint(1, 254)}"


class Campaigns:
    """The audience's ~12 campaigns; counters fill in as members are generated."""

    def __init__(self, rng: random.Random, now: int) -> None:
        self.rows = []
        for i, subject in enumerate(_SUBJECTS[:12]):
            send = now - (12 - i) * 30 * 86400 + rng.randint(0, 10 * 86400)
            cid = f"{rng.getrandbits(40):010x}"
            self.rows.append({"id": cid, "web_id": 4_100_000 + i, "send": send,
                              "subject": subject, "sent": 0, "opens": 0, "clicks": 0})
        self.send_times = [c["send"] for c in self.rows]

    def records(self) -> list[dict]:
        out = []
        for c in self.rows:
            url = f"https://us1.campaign-archive.com/?u=0a1b2c3d&id={c['id']}"
            out.append({
                "id": c["id"], "web_id": c["web_id"], "type": "regular",
                "create_time": iso_offset(c["send"] - 3 * 86400), "archive_url": url,
                "long_archive_url": url, "status": "sent", "emails_sent": c["sent"],
                "send_time": iso_offset(c["send"]), "content_type": "template",
                "needs_block_refresh": False, "resendable": False,
                "recipients": {"list_id": LIST_ID, "list_is_active": True,
                               "list_name": "cdpkit customers", "segment_text": "",
                               "recipient_count": c["sent"]},
                "settings": {"subject_line": c["subject"], "preview_text": "",
                             "title": c["subject"], "from_name": "cdpkit shop",
                             "reply_to": "hello@cdpkit.example"},
                "tracking": {"opens": True, "html_clicks": True},
            })
        return out


def _activity(camps: Campaigns, rng: random.Random, mid: str, email: str, start: int,
              end_at: int | None, final: str | None, emit: Emit) -> tuple[int, int, int]:
    """Events for one member between opt-in and `end_at`; `final` ends the membership."""
    sent = opens = clicks = 0
    for idx, c in enumerate(camps.rows):
        last = final is not None and idx == end_at
        if c["send"] < start or (end_at is not None and idx > end_at):
            continue
        if not last and rng.random() > 0.38:
            continue
        base = {"campaign_id": c["id"], "email_id": mid, "email_address": email}
        sent += 1
        c["sent"] += 1
        emit("email/activity", {**base, "action": "sent", "timestamp": iso_offset(c["send"]),
                                "url": None, "ip": None})
        if last and final == "bounce":
            emit("email/activity", {**base, "action": "bounce",
                                    "timestamp": iso_offset(c["send"] + 60), "url": None,
                                    "ip": None})
            continue
        if rng.random() < 0.35 or (last and final == "unsubscribe"):
            ts = c["send"] + rng.randint(60, 2 * 86400)
            opens += 1
            c["opens"] += 1
            ip = _ip(rng)
            emit("email/activity", {**base, "action": "open", "timestamp": iso_offset(ts),
                                    "url": None, "ip": ip})
            if rng.random() < 0.25:
                clicks += 1
                c["clicks"] += 1
                emit("email/activity", {**base, "action": "click",
                                        "timestamp": iso_offset(ts + rng.randint(5, 600)),
                                        "url": f"https://shop.cdpkit.example/c/{c['web_id']}",
                                        "ip": ip})
            if last and final == "unsubscribe":
                emit("email/activity", {**base, "action": "unsubscribe",
                                        "timestamp": iso_offset(ts + 30), "url": None,
                                        "ip": ip})
    return sent, opens, clicks


def member(p: Person, camps: Campaigns, ids: Ids, rng: random.Random, s: WorldSettings,
           now: int, since: int, email: str, emit: Emit) -> str:
    """Write one list member (and its activity); returns the member id."""
    mid = member_id(email)
    status = rng.choices(("subscribed", "unsubscribed", "cleaned", "pending", "transactional"),
                         (0.70, 0.15, 0.05, 0.07, 0.03))[0]
    signup = since
    opt = min(signup + rng.randint(30, 3 * 86400), now)
    last_changed = between(rng, opt, now)
    final, end_idx = None, None
    if status in ("unsubscribed", "cleaned"):
        later = [i for i, t in enumerate(camps.send_times) if opt <= t < now]
        if later:
            end_idx = rng.choice(later)
            final = "unsubscribe" if status == "unsubscribed" else "bounce"
            last_changed = camps.send_times[end_idx] + 3 * 86400 + rng.randint(0, 3600)
    sent = opens = clicks = 0
    if status in ("subscribed", "unsubscribed", "cleaned"):
        sent, opens, clicks = _activity(camps, rng, mid, email, opt, end_idx, final, emit)
    first, last = mess.name_view(p, rng, s)
    if rng.random() < 0.1:
        first, last = "", ""
    phone = mess.phone_view(p, rng, s, e164_only=False) if rng.random() < 0.4 else ""
    address: dict | str = ""
    if rng.random() < 0.4:
        street, street2, city, zip_, row = mess.address_view(p, rng, old_system=False)
        address = {"addr1": street, "addr2": street2, "city": city, "state": row[1],
                   "zip": zip_, "country": p.country}
    row = p.city_row
    known = rng.random() < 0.5
    tags = [{"id": t, "name": n} for t, n in rng.sample(_TAGS, rng.choice((0, 1, 1, 2)))]
    imported = rng.random() < 0.2
    emit("email/members", {
        "id": mid, "email_address": email,
        "unique_email_id": f"{rng.getrandbits(40):010x}",
        "contact_id": f"{rng.getrandbits(128):032x}",
        "full_name": f"{first} {last}".strip(), "web_id": ids.next("email/members"),
        "email_type": "html", "status": status,
        "merge_fields": {"FNAME": first, "LNAME": last, "PHONE": phone, "ADDRESS": address},
        "stats": {"avg_open_rate": round(opens / sent, 2) if sent else 0,
                  "avg_click_rate": round(clicks / sent, 2) if sent else 0},
        "ip_signup": "" if imported else _ip(rng),
        "timestamp_signup": "" if imported else iso_offset(signup),
        "ip_opt": _ip(rng), "timestamp_opt": iso_offset(opt),
        "member_rating": rng.randint(1, 5), "last_changed": iso_offset(last_changed),
        "language": LANGUAGES[p.country] if rng.random() < 0.7 else "",
        "vip": rng.random() < 0.02, "email_client": "",
        "location": {"latitude": round(row[5] + rng.uniform(-0.1, 0.1), 4) if known else 0,
                     "longitude": round(row[6] + rng.uniform(-0.1, 0.1), 4) if known else 0,
                     "gmtoff": row[8] if known else 0, "dstoff": row[8] + 1 if known else 0,
                     "country_code": p.country if known else "",
                     "timezone": row[7] if known else ""},
        "source": "Import" if imported else rng.choice(_SOURCES),
        "tags_count": len(tags), "tags": tags, "list_id": LIST_ID,
    })
    return mid

