"""What a dbt invocation leaves behind that the next one should reuse.

dagster-dbt runs each `dbt build` in a target directory of its own and seeds it
with the project's `partial_parse.msgpack`, so that dbt parses only what changed.
dbt throws that file away when the profile it was written under differs from the
run's (its hash covers the DuckDB path, so a warehouse anywhere but where the
manifest was prepared differs): every invocation then parsed the project whole,
2.5 s of the 4.7 s a `dbt build` spent before its first node, twice per pipeline
run. The invocation writes a fresh file for its own profile; taking it back into
the project's target lets the next invocation reuse it.

Each invocation directory also keeps dbt's debug log, manifest and compiled SQL
(about 7 MB); an hourly schedule would pile up gigabytes a month, so only the
newest few are kept.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

PARTIAL_PARSE = "partial_parse.msgpack"
#: invocation directories kept in the project's target (the newest, by time)
KEPT_INVOCATIONS = 20


def adopt_partial_parse(invocation_target: Path, project_target: Path) -> bool:
    """Make the invocation's `partial_parse.msgpack` the project's, when it differs.

    Written beside the old one and renamed over it, so a concurrent reader sees
    either file whole. Returns whether the project's file was replaced."""
    fresh = invocation_target / PARTIAL_PARSE
    current = project_target / PARTIAL_PARSE
    if not fresh.is_file():
        return False
    if current.is_file() and _same_bytes(fresh, current):
        return False
    project_target.mkdir(parents=True, exist_ok=True)
    staged = project_target / f".{PARTIAL_PARSE}.{os.getpid()}"
    shutil.copyfile(fresh, staged)
    os.replace(staged, current)
    return True


def prune_invocations(project_target: Path, prefixes: tuple[str, ...],
                      keep: int = KEPT_INVOCATIONS) -> list[Path]:
    """Remove all but the newest `keep` invocation directories whose names start with
    one of `prefixes` (the `dbt_assets` names dagster-dbt puts first); return them."""
    if not project_target.is_dir():
        return []
    invocations = [path for path in project_target.iterdir()
                   if path.is_dir() and path.name.startswith(prefixes)]
    invocations.sort(key=lambda path: path.stat().st_mtime, reverse=True)
    removed = invocations[keep:]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed


def _same_bytes(left: Path, right: Path) -> bool:
    if left.stat().st_size != right.stat().st_size:
        return False
    return left.read_bytes() == right.read_bytes()
