"""A :class:`~sandbox.world.changes.WorldReader` over a world directory on disk.

Loads a collection into memory on first use, so it suits test-sized worlds;
the simulators answer the same two questions from their SQLite store instead.
"""

from __future__ import annotations

import json
import random
from pathlib import Path


def numeric_id(collection: str, record: dict) -> int:
    """The number `max_id` compares: gid tail, int id, X id, web_id or person_id."""
    if collection == "email/members":
        return int(record["web_id"])
    if collection == "truth/people":
        return int(record["person_id"])
    rid = record["id"]
    if isinstance(rid, str):
        return int(rid.rsplit("/", 1)[-1])
    return int(rid)


class DirectoryWorld:
    def __init__(self, world_dir: Path) -> None:
        self.world_dir = Path(world_dir)
        self._cache: dict[str, list[dict]] = {}

    def records(self, collection: str) -> list[dict]:
        if collection not in self._cache:
            path = self.world_dir / f"{collection}.jsonl"
            if not path.exists():
                self._cache[collection] = []
            else:
                with path.open(encoding="utf-8") as f:
                    self._cache[collection] = [json.loads(line) for line in f]
        return self._cache[collection]

    def sample_existing(self, collection: str, k: int, rng: random.Random) -> list[dict]:
        rows = self.records(collection)
        return rng.sample(rows, min(k, len(rows)))

    def max_id(self, collection: str) -> int:
        return max((numeric_id(collection, r) for r in self.records(collection)), default=0)
