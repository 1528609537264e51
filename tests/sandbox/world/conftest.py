"""One real 2,000-person world shared by the world tests (about half a second to build)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandbox.world import generate_world


def read_jsonl(world: Path, key: str) -> list[dict]:
    with (world / f"{key}.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate_world(out, people=2000, seed=7)
    return out


@pytest.fixture(scope="session")
def load(world: Path):
    cache: dict[str, list[dict]] = {}

    def _load(key: str) -> list[dict]:
        if key not in cache:
            cache[key] = read_jsonl(world, key)
        return cache[key]

    return _load
