"""Mailchimp campaign reports built from ``email/activity.jsonl``.

The world holds one row per event (sent, open, click, bounce, unsubscribe);
Mailchimp serves them three ways: ``email-activity`` grouped per recipient,
``sent-to`` with per-recipient delivery status and open counts, and
``unsubscribed``. All are offset-paginated with ``total_items``.
"""

from __future__ import annotations

import json
from typing import Any

from sandbox.simulators.base import Request

EVENT_ACTIONS = ("open", "click", "bounce")


class ReportsMixin:
    """Report endpoints for :class:`~sandbox.simulators.mailchimp.MailchimpSimulator`."""

    list_id: str
    store: Any

    def report(self, kind: str, campaign_id: str, req: Request) -> dict:
        """One report page."""
        from sandbox.simulators.mailchimp import page, stamp

        count, offset = page(req)
        since = stamp(req.arg("since"), "since") if req.arg("since") else None
        if kind == "email-activity":
            return self._email_activity(campaign_id, count, offset, since)
        if kind == "sent-to":
            return self._sent_to(campaign_id, count, offset)
        return self._unsubscribed(campaign_id, count, offset)

    def _events(self, campaign_id: str, actions: tuple[str, ...], email_ids: list[str] | None,
                since: str | None = None) -> list[dict]:
        tbl = self.store.table("activity")
        by = ("campaign_id", "email_id") if email_ids is not None else ("campaign_id", "ts")
        sql = (f"SELECT doc FROM {tbl} INDEXED BY {self.store.index('activity', by)} "
               f"WHERE campaign_id = ? "
               f"AND action IN ({', '.join('?' for _ in actions)})")
        params: list[Any] = [campaign_id, *actions]
        if email_ids is not None:
            sql += f" AND email_id IN ({', '.join('?' for _ in email_ids)})"
            params += email_ids
        if since:
            sql += " AND ts > ?"
            params.append(since)
        return [json.loads(r[0]) for r in self.store.rows(sql + " ORDER BY ts, rid", params)]

    def _recipients(self, campaign_id: str, actions: tuple[str, ...], count: int, offset: int,
                    since: str | None = None) -> tuple[list[str], int]:
        tbl = self.store.table("activity")
        # a change set (`since`) is a range of one campaign's events in time
        by = ("campaign_id", "ts") if since else ("campaign_id", "action", "email_id")
        index = self.store.index("activity", by)
        cond = (f"campaign_id = ? AND action IN ({', '.join('?' for _ in actions)})"
                + (" AND ts > ?" if since else ""))
        params: list[Any] = [campaign_id, *actions] + ([since] if since else [])
        everyone = self.store.rows_until_written(
            f"SELECT email_id, MIN(rid) AS r FROM {tbl} INDEXED BY {index} WHERE {cond} "
            "GROUP BY email_id ORDER BY r",
            params)
        return [r[0] for r in everyone[offset:offset + count]], len(everyone)

    def _base(self, campaign_id: str, ev: dict) -> dict:
        return {"campaign_id": campaign_id, "list_id": self.list_id, "list_is_active": True,
                "email_id": ev["email_id"], "email_address": ev.get("email_address")}

    def _email_activity(self, cid: str, count: int, offset: int, since: str | None) -> dict:
        actions = EVENT_ACTIONS if since else ("sent", *EVENT_ACTIONS)
        ids, total = self._recipients(cid, actions, count, offset, since)
        events = self._events(cid, ("sent", *EVENT_ACTIONS), ids, since)
        by_id: dict[str, dict] = {}
        for ev in events:
            entry = by_id.setdefault(ev["email_id"], {**self._base(cid, ev), "activity": []})
            if ev["action"] in EVENT_ACTIONS:
                item = {"action": ev["action"], "timestamp": ev["timestamp"]}
                for extra in ("type", "url", "ip"):
                    if ev.get(extra):
                        item[extra] = ev[extra]
                entry["activity"].append(item)
        return {"emails": [by_id[i] for i in ids if i in by_id], "campaign_id": cid,
                "total_items": total, "_links": []}

    def _sent_to(self, cid: str, count: int, offset: int) -> dict:
        ids, total = self._recipients(cid, ("sent",), count, offset)
        rows: dict[str, dict] = {}
        for ev in self._events(cid, ("sent", "open", "bounce"), ids):
            row = rows.setdefault(ev["email_id"], {
                **self._base(cid, ev), "status": "sent", "open_count": 0, "last_open": "",
                "absplit_group": "", "gmt_offset": 0})
            if ev["action"] == "open":
                row["open_count"] += 1
                row["last_open"] = max(row["last_open"], ev["timestamp"])
            elif ev["action"] == "bounce":
                row["status"] = "soft" if ev.get("type") == "soft" else "hard"
        return {"sent_to": [rows[i] for i in ids if i in rows], "campaign_id": cid,
                "total_items": total, "_links": []}

    def _unsubscribed(self, cid: str, count: int, offset: int) -> dict:
        ids, total = self._recipients(cid, ("unsubscribe",), count, offset)
        out = [{**self._base(cid, ev), "timestamp": ev["timestamp"],
                "reason": ev.get("reason") or "N/A"}
               for ev in self._events(cid, ("unsubscribe",), ids)]
        return {"unsubscribes": out, "campaign_id": cid, "total_items": total, "_links": []}
