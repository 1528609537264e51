"""Fixtures: a hand-built world and simulators started on loopback (no mocks)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sim_world import build_world

from sandbox.simulators import start_email, start_erp, start_shop, start_social


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A read-only world shared by the tests that do not mutate."""
    return build_world(tmp_path_factory.mktemp("world"))


@pytest.fixture
def fresh_world(tmp_path: Path) -> Path:
    """A private world for tests that mutate (truth files are appended)."""
    return build_world(tmp_path / "world")


def _serve(starter, world_dir: Path, **options):
    handle = starter(world_dir, **options)
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def shop(world: Path):
    yield from _serve(start_shop, world)


@pytest.fixture
def erp(world: Path):
    yield from _serve(start_erp, world)


@pytest.fixture
def email(world: Path):
    yield from _serve(start_email, world)


@pytest.fixture
def social(world: Path):
    yield from _serve(start_social, world)
