"""Streams records to one JSON Lines file per collection and counts them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO

FILES = (
    "shop/customers", "shop/orders", "erp/res.partner", "erp/sale.order",
    "erp/sale.order.line", "erp/account.move", "erp/mail.blacklist", "email/members",
    "email/campaigns", "email/activity",
    "social/users", "social/tweets", "social/dm_events", "truth/records", "truth/people",
)

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class JsonlWriter:
    """Keeps every file open for the whole run; nothing is held beyond OS buffers.

    Keys are written in insertion order (no sort) so the bytes depend only on
    the generator's choices, which keeps same-seed runs byte-identical.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.counts = dict.fromkeys(FILES, 0)
        self._files: dict[str, IO[str]] = {}
        for key in FILES:
            path = self.out_dir / f"{key}.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            self._files[key] = path.open("w", encoding="utf-8", newline="\n",
                                         buffering=1 << 20)

    def write(self, collection: str, record: dict) -> None:
        self._files[collection].write(_dumps(record) + "\n")
        self.counts[collection] += 1

    def close(self) -> None:
        for f in self._files.values():
            f.close()

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
