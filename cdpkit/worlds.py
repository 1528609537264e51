"""Synthetic worlds are cached by (people, seed): generating one is deterministic."""

from __future__ import annotations

import sys
from pathlib import Path

from sandbox.world import generate_world

WORLDS_DIR = Path(".cdpkit/worlds")


def world_dir(people: int, seed: int) -> Path:
    return WORLDS_DIR / f"people-{people}-seed-{seed}"


def ensure_world(people: int, seed: int, out: Path | None = None) -> Path:
    """Return a generated world's directory, generating it once."""
    path = (out or world_dir(people, seed)).resolve()
    if (path / "manifest.json").exists():
        return path
    tmp = path.with_name(path.name + ".partial")
    step = max(1, people // 20)

    def progress(done: int, total: int) -> None:
        if done % step == 0 or done == total:
            sys.stderr.write(f"\r  generating world: {done:,}/{total:,} people")
            sys.stderr.flush()

    generate_world(tmp, people=people, seed=seed, progress=progress)
    sys.stderr.write("\n")
    if path.exists():
        import shutil

        shutil.rmtree(path)
    tmp.rename(path)
    return path
