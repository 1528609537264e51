"""Apply ``sandbox.world.changes.make_changes`` to a running simulator.

The world generator decides *what* changes (new people, updates, deletes);
this module answers its questions about the current state from the simulator's
store (a :class:`~sandbox.world.changes.WorldReader`), applies the changes of
this simulator's source, and appends the matching truth rows to the world's
``truth/`` files so evaluation still knows who every new record belongs to.
"""

from __future__ import annotations

import json
import random
import re
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sandbox.simulators.base import Simulator

_TRUTH_LOCK = threading.Lock()
_DIGITS = re.compile(r"(\d+)\D*$")


def numeric_id(value: Any) -> int:
    """The number in an id: gid tail, int, numeric string; 0 when there is none."""
    if isinstance(value, bool) or value is None:
        return 0
    if isinstance(value, int):
        return value
    match = _DIGITS.search(str(value))
    return int(match.group(1)) if match else 0


class StoreReader:
    """A WorldReader over one simulator's store plus the world's truth files."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.prefix = f"{sim.source}/"

    def _local(self, collection: str) -> str | None:
        if collection.startswith(self.prefix):
            name = collection.removeprefix(self.prefix)
            if name in self.sim.store.collections:
                return name
        return None

    def sample_existing(self, collection: str, k: int, rng: random.Random) -> list[dict]:
        """Up to k distinct current records, chosen by rng over file order."""
        name = self._local(collection)
        if name is None:
            if collection == "truth/people":
                return _sample_file(self._truth("people.jsonl"), k, rng)
            return []
        n = self.sim.store.count(name)
        picks = sorted(rng.sample(range(n), min(k, n)))
        if not picks:
            return []
        # one pass over the row ids, then the picked rows by id: an OFFSET per pick
        # would scan the table k times (hours on a 1,000,000-person world)
        table = self.sim.store.table(name)
        rids = [r[0] for r in self.sim.store.rows(f"SELECT rid FROM {table} ORDER BY rid")]
        chosen = [rids[i] for i in picks]
        docs: dict[int, str] = {}
        for start in range(0, len(chosen), 500):
            part = chosen[start:start + 500]
            marks = ", ".join("?" for _ in part)
            docs.update(self.sim.store.rows(
                f"SELECT rid, doc FROM {table} WHERE rid IN ({marks})", part))
        return [json.loads(docs[rid]) for rid in chosen]

    def max_id(self, collection: str) -> int:
        """The largest numeric id held now (0 when empty or not this source)."""
        name = self._local(collection)
        if name is None:
            if collection == "truth/people":
                path = self._truth("people.jsonl")
                if path is None or not path.exists():
                    return 0
                with path.open(encoding="utf-8") as fh:
                    return max((numeric_id(json.loads(x)["person_id"]) for x in fh if x.strip()),
                               default=0)
            return 0
        value = self.sim.store.scalar(f"SELECT MAX(num) FROM {self.sim.store.table(name)}")
        return int(value or 0)

    def _truth(self, file: str) -> Path | None:
        return self.sim.world_dir / "truth" / file if self.sim.world_dir else None


def _sample_file(path: Path | None, k: int, rng: random.Random) -> list[dict]:
    if path is None or not path.exists() or k <= 0:
        return []
    chosen: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(x for x in fh if x.strip()):
            if i < k:
                chosen.append(line)
            else:
                j = rng.randint(0, i)
                if j < k:
                    chosen[j] = line
    return [json.loads(x) for x in chosen]


class WorldStoreReader:
    """A WorldReader over every simulator serving one world.

    One change set for all sources keeps a new person the same person in
    every system (and in the truth files), which per-source change sets
    cannot: each would mint its own new people.
    """

    def __init__(self, sims: list[Simulator]) -> None:
        self.readers = {sim.source: StoreReader(sim) for sim in sims}
        self.fallback = next(iter(self.readers.values()))

    def _reader(self, collection: str) -> StoreReader:
        return self.readers.get(collection.partition("/")[0], self.fallback)

    def sample_existing(self, collection: str, k: int, rng: random.Random) -> list[dict]:
        return self._reader(collection).sample_existing(collection, k, rng)

    def max_id(self, collection: str) -> int:
        return self._reader(collection).max_id(collection)


def apply_changes(
    sim: Simulator, new: int = 0, updated: int = 0, deleted: int = 0, seed: int = 0
) -> dict[str, Any]:
    """Build a change set now and apply this source's part of it; returns a summary."""
    from sandbox.world.changes import make_changes

    with sim.mutation_lock:
        now = datetime.now(UTC).replace(microsecond=0)
        changes = make_changes(
            StoreReader(sim), new=new, updated=updated, deleted=deleted, seed=seed, now=now
        )
        summary = {"now": _stamp(now), **_apply_part(sim, changes)}
        rows = [r for r in changes.truth_records if r.get("system") == sim.source]
        _append_truth(sim.world_dir, changes, rows)
        return summary


def apply_world_changes(
    sims: list[Simulator], new: int = 0, updated: int = 0, deleted: int = 0, seed: int = 0
) -> dict[str, Any]:
    """One change set across all `sims` (one world), each applying its own part."""
    from sandbox.world.changes import make_changes

    ordered = sorted(sims, key=lambda s: s.source)
    for sim in ordered:
        sim.mutation_lock.acquire()
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        changes = make_changes(
            WorldStoreReader(ordered), new=new, updated=updated, deleted=deleted, seed=seed,
            now=now,
        )
        summary: dict[str, Any] = {"now": _stamp(now)}
        for sim in ordered:
            summary[sim.source] = _apply_part(sim, changes)
        served = {sim.source for sim in ordered}
        rows = [r for r in changes.truth_records if r.get("system") in served]
        _append_truth(ordered[0].world_dir, changes, rows)
        return summary
    finally:
        for sim in reversed(ordered):
            sim.mutation_lock.release()


def _stamp(now: datetime) -> str:
    return now.isoformat().replace("+00:00", "Z")


def _apply_part(sim: Simulator, changes: Any) -> dict[str, Any]:
    """Write this source's new, updated and deleted records into its store."""
    summary: dict[str, Any] = {}
    for key, part in changes.collections.items():
        system, _, name = key.partition("/")
        if system != sim.source or name not in sim.store.collections:
            continue
        for doc in [*part.new, *part.updated]:
            sim.store.put(name, doc)
        for rid in part.deleted:
            sim.delete_record(name, str(rid))
        summary[name] = {
            "new": len(part.new), "updated": len(part.updated), "deleted": len(part.deleted)
        }
    return summary


def _append_truth(world_dir: Path | None, changes: Any, rows: list[dict]) -> None:
    """Append truth rows for the applied new records, and their people once each."""
    if world_dir is None:
        return
    people_ids = {r.get("person_id") for r in rows}
    people = [p for p in changes.truth_people if p.get("person_id") in people_ids]
    truth = world_dir / "truth"
    with _TRUTH_LOCK:
        truth.mkdir(parents=True, exist_ok=True)
        for file, items in (("records.jsonl", rows), ("people.jsonl", people)):
            if items:
                with (truth / file).open("a", encoding="utf-8") as fh:
                    fh.writelines(json.dumps(x, ensure_ascii=False) + "\n" for x in items)
