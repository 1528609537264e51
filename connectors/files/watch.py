"""What a folder watcher needs: the content of every file now in the drop folder.

`snapshot` hashes only files whose size or modification time changed since
the previous snapshot, so a sensor ticking every few seconds over a large
folder reads only what is new.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from connectors.files.drops import content_sha256, list_drops, token
from connectors.files.kinds import FileKind

#: file name -> [size, mtime_ns, token (content sha256 and kind)]
Snapshot = dict[str, list]


def snapshot(drop_dir: Path, kinds: Mapping[str, FileKind],
             previous: Mapping[str, list] | None = None) -> Snapshot:
    """Each readable file now in the folder, reusing `previous` hashes of unchanged files."""
    previous = previous or {}
    out: Snapshot = {}
    for drop in list_drops(drop_dir, kinds):
        before = previous.get(drop.name)
        if before and before[:2] == [drop.size, drop.mtime_ns] and before[2].endswith(
                ":" + drop.kind_name):
            out[drop.name] = list(before)
            continue
        try:
            sha256 = content_sha256(drop.path)
        except OSError:
            continue  # unreadable now: seen again next tick
        out[drop.name] = [drop.size, drop.mtime_ns, token(sha256, drop.kind_name)]
    return out


def new_tokens(current: Mapping[str, list], previous: Mapping[str, list]) -> list[str]:
    """Contents in `current` that `previous` did not hold, under any name."""
    seen = {entry[2] for entry in previous.values()}
    return sorted({entry[2] for entry in current.values()} - seen)
