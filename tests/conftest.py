"""What every test shares: a state directory of its own.

`make test` runs the suite on two workers (pytest-xdist, a file per worker at a time),
and cdpkit keeps dlt's pipeline state, logs and worlds under `CDP_STATE_DIR` (default
`.cdpkit` in the working directory): a test that does not choose one gets its tmp
folder's, so no two tests share a pipeline's incremental state. A directory set
already (by a module's fixture, or the caller) is kept.
"""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def state_dir_of_its_own(tmp_path_factory: pytest.TempPathFactory,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    if "CDP_STATE_DIR" not in os.environ:
        monkeypatch.setenv("CDP_STATE_DIR", str(tmp_path_factory.mktemp("state")))
