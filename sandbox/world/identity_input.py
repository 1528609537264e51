"""A sandbox world's vendor JSONL as identity input rows (data-contract section 4).

The warehouse builds these rows with dbt (``int_customer_records_unioned``); the
identity tests and benchmark need them without dbt and without syncing, so this
maps each vendor's fields the same way, in plain Python.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd


def _read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _v(value: object) -> object:
    """Odoo's ``false`` and vendors' empty strings are NULL."""
    return None if value is False or value == "" else value


def _row(source: str, source_id: object, **fields: object) -> dict:
    row = dict.fromkeys(
        ("first_name", "last_name", "full_name", "email", "phone", "street", "city",
         "postcode", "country_code", "free_text", "cross_ref", "source_updated_at"))
    row.update({k: _v(v) for k, v in fields.items()})
    row.update(source=source, source_id=str(source_id), is_active=fields.get("is_active", True))
    return row


def world_records(world: Path) -> pd.DataFrame:
    """Unified person records of every system in ``world``."""
    world = Path(world)
    rows = []
    for c in _read(world / "shop" / "customers.jsonl"):
        address = c.get("defaultAddress") or {}
        rows.append(_row(
            "shop", c["id"], first_name=c.get("firstName"), last_name=c.get("lastName"),
            email=c.get("email"), phone=c.get("phone") or address.get("phone"),
            street=address.get("address1"), city=address.get("city"),
            postcode=address.get("zip"), country_code=address.get("countryCodeV2"),
            source_updated_at=c.get("updatedAt")))
    for p in _read(world / "erp" / "res.partner.jsonl"):
        if p.get("is_company"):
            continue
        rows.append(_row(
            "erp", p["id"], full_name=p.get("name"), email=p.get("email"),
            phone=_v(p.get("mobile")) or p.get("phone"), street=p.get("street"),
            city=p.get("city"), postcode=p.get("zip"), country_code=p.get("country_code"),
            cross_ref=p.get("ref"), is_active=bool(p.get("active", True)),
            source_updated_at=p.get("write_date")))
    for m in _read(world / "email" / "members.jsonl"):
        merge = m.get("merge_fields") or {}
        address = merge.get("ADDRESS") if isinstance(merge.get("ADDRESS"), dict) else {}
        rows.append(_row(
            "email", m["id"], first_name=merge.get("FNAME"), last_name=merge.get("LNAME"),
            full_name=m.get("full_name"), email=m.get("email_address"), phone=merge.get("PHONE"),
            street=address.get("addr1"), city=address.get("city"), postcode=address.get("zip"),
            country_code=address.get("country") or (m.get("location") or {}).get("country_code"),
            is_active=m.get("status") not in ("cleaned", "archived"),
            source_updated_at=m.get("last_changed")))
    messages: dict[str, list[str]] = {}
    dm_file = world / "social" / "dm_events.jsonl"
    for event in _read(dm_file):
        if event.get("text"):
            messages.setdefault(event["sender_id"], []).append(event["text"])
    for u in _read(world / "social" / "users.jsonl"):
        # the bio, then what the user wrote to the brand: int_customer_records_unioned
        texts = [u.get("description") or "", *messages.get(u["id"], [])]
        rows.append(_row(
            "social", u["id"], full_name=u.get("name"),
            free_text="\n".join(t for t in texts if t) or None,
            source_updated_at=u.get("created_at")))
    return pd.DataFrame(rows)


def world_truth(world: Path) -> pd.DataFrame:
    return pd.DataFrame(_read(Path(world) / "truth" / "records.jsonl"))
