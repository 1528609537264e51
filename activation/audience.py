"""An audience export: the customers of a segment who may be contacted on a channel now.

Consent is read from `marts.customer_consent` (the current state the ledger gives),
so a customer goes out only with `can_contact` on that channel for marketing.
Everyone else in the segment is counted under the reason they stayed in: what their
consent is, or that there is no address to send to. Each export is registered in
`governance.audience_exports` with its file, so an erasure can find the copies of a
person that left the warehouse.
"""

from __future__ import annotations

import csv
import json
import logging
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from quality.privacy.suppression import Suppressions

log = logging.getLogger(__name__)

CHANNELS = {"email": "email", "sms": "phone"}
# why a customer of the segment is not in the export, by their consent on the channel
REASONS = {
    "unsubscribed": "consent withdrawn",
    "cleaned": "address undeliverable",
    "pending": "opt-in not confirmed",
    "not_subscribed": "consent never given",
    "unknown": "no consent signal",
}
NO_ADDRESS = "no {address} on the profile"
SUPPRESSED = "erasure requested (suppression list)"
REGISTRY = "governance.audience_exports"


class AudienceError(ValueError):
    """A request that cannot be exported as asked; the message says what to change."""


@dataclass(frozen=True)
class AudienceExport:
    export_id: str
    path: Path
    segment: str
    channel: str
    exported: int
    excluded: dict[str, int] = field(default_factory=dict)

    @property
    def segment_size(self) -> int:
        return self.exported + sum(self.excluded.values())


def export_audience(con: duckdb.DuckDBPyConnection, segment: str, channel: str,
                    output: Path, suppressions: Suppressions | None = None) -> AudienceExport:
    """Write the contactable customers of `segment` on `channel` to `output` (CSV).

    `suppressions` (the warehouse's list with its salt) keeps out anyone whose erasure
    was requested but has not run yet: their consent may still read as granted.
    """
    if channel not in CHANNELS:
        raise AudienceError(f"unknown channel {channel!r}; use one of: {', '.join(CHANNELS)}")
    known = segments(con)
    if segment not in known:
        raise AudienceError(f"unknown segment {segment!r}; segments now: "
                            f"{', '.join(sorted(known)) or 'none (build the warehouse first)'}")
    address = CHANNELS[channel]
    rows = con.execute(
        f"""
        select
            customers.golden_id,
            customers.{address},
            customers.first_name,
            customers.last_name,
            coalesce(consent.consent_status, 'unknown') as consent_status,
            coalesce(consent.can_contact, false) as can_contact
        from marts.dim_customers as customers
        left join marts.customer_consent as consent
            on consent.golden_id = customers.golden_id
            and consent.channel = ?
            and consent.purpose = 'marketing'
        where customers.rfm_segment = ?
        order by customers.golden_id
        """,
        [channel, segment],
    ).fetchall()
    excluded: Counter[str] = Counter()
    audience = []
    for golden_id, contact, first_name, last_name, status, can_contact in rows:
        if suppressions is not None and contact and suppressions.matches(
                "email" if channel == "email" else "phone", contact):
            excluded[SUPPRESSED] += 1
        elif not can_contact:
            excluded[REASONS.get(status, f"consent {status}")] += 1
        elif not contact:
            excluded[NO_ADDRESS.format(address=address)] += 1
        else:
            audience.append((golden_id, contact, first_name, last_name))
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["golden_id", address, "first_name", "last_name"])
        writer.writerows(audience)
    result = AudienceExport(export_id=uuid.uuid4().hex, path=output.resolve(), segment=segment,
                            channel=channel, exported=len(audience), excluded=dict(excluded))
    _register(con, result)
    log.info("audience %s/%s: %d exported, %d excluded (%s)", segment, channel,
             result.exported, sum(excluded.values()),
             ", ".join(f"{reason}: {n}" for reason, n in sorted(excluded.items())))
    return result


def segments(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The segments customers are in now."""
    return {row[0] for row in con.execute(
        "select distinct rfm_segment from marts.dim_customers where rfm_segment is not null"
    ).fetchall()}


def _register(con: duckdb.DuckDBPyConnection, export: AudienceExport) -> None:
    con.execute("create schema if not exists governance")
    con.execute(f"""create table if not exists {REGISTRY} (
        export_id varchar primary key, exported_at timestamp not null,
        segment varchar not null, channel varchar not null, path varchar not null,
        rows_exported integer not null, excluded json not null)""")
    con.execute(f"insert into {REGISTRY} values (?, ?, ?, ?, ?, ?, ?)", [
        export.export_id, datetime.now(UTC).replace(tzinfo=None), export.segment,
        export.channel, str(export.path), export.exported, json.dumps(export.excluded)])
