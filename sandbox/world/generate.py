"""Builds a whole world directory from a seed, streaming household by household."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

from .clock import epoch, iso_z
from .people import iter_households
from .records import RecordMaker
from .settings import WorldSettings
from .writer import JsonlWriter

Progress = Callable[[int, int], None]


def generate_world(out_dir: Path, people: int = 5000, seed: int = 42,
                   progress: Progress | None = None,
                   settings: WorldSettings | None = None) -> dict:
    """Write the world's JSONL files and manifest.json into `out_dir`; return the manifest.

    Memory stays flat in `people`: each household is written as soon as it is
    made, and only counters (ids, campaign totals) survive between households.
    Same seed and settings give byte-identical files.
    """
    s = settings or WorldSettings()
    out_dir = Path(out_dir)
    rng = random.Random(seed)
    step = max(1, people // 100)
    with JsonlWriter(out_dir) as writer:
        maker = RecordMaker(s, rng, writer.write)
        done = next_report = 0
        for members in iter_households(1, people, rng, s, first_household_id=1):
            maker.household(members)
            done += len(members)
            if progress and done >= next_report:
                progress(done, people)
                next_report = done + step
        for campaign in maker.campaigns.records():
            writer.write("email/campaigns", campaign)
        counts = dict(writer.counts)
    if progress:
        progress(people, people)
    manifest = {"seed": seed, "people": people, "counts": counts,
                "generated_at": iso_z(epoch(s.now))}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n",
                                           encoding="utf-8")
    return manifest
