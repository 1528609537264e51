"""The drop folder: which files are there, what kind each is, and what it holds.

A file is identified by its content (SHA-256) and the kind it routes to, not
its name: a renamed copy is the same file, an edited one is a new file, and
a file renamed so it now routes to another kind is new for that kind.
Files are taken oldest first (modification time, then name), so the latest
export of a record is merged last. Sub-folders are scanned too; hidden files
and partial downloads (`.tmp`, `.part`, `.crdownload`) are not, so a writer
that drops `x.csv.part` and renames it to `x.csv` is never read half-written.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from connectors.files.kinds import FileKind
from connectors.files.readers import file_format

#: what `kind` says of a file that routes to no single kind
UNMATCHED = "_unmatched"
PARTIAL_SUFFIXES = (".tmp", ".part", ".crdownload", ".partial")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DropFile:
    path: Path
    #: path relative to the drop folder, with `/`: the name recorded in the warehouse
    name: str
    size: int
    mtime_ns: int
    kind: FileKind | None
    #: why the file routes to no kind, when it does not
    problem: str | None = None

    @property
    def kind_name(self) -> str:
        return self.kind.name if self.kind else UNMATCHED

    @property
    def modified_at(self) -> datetime:
        return datetime.fromtimestamp(self.mtime_ns / 1e9, UTC)


def content_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def token(sha256: str, kind_name: str) -> str:
    """What a ledger records: this content, loaded as this kind."""
    return f"{sha256}:{kind_name}"


def route(name: str, kinds: Iterable[FileKind]) -> tuple[FileKind | None, str | None]:
    """The kind a file name belongs to, or None and the reason."""
    base = name.rsplit("/", 1)[-1]
    matching = [k for k in kinds if k.matches(base)]
    if not matching:
        return None, "file name matches no declared kind"
    if len(matching) > 1:
        return None, "file name matches several kinds: " + ", ".join(k.name for k in matching)
    if file_format(base) is None:
        return None, (f"kind {matching[0].name}: unsupported file type "
                      "(use .csv, .jsonl, .ndjson or .parquet, optionally .gz)")
    return matching[0], None


def _visible(name: str) -> bool:
    return not name.startswith((".", "~")) and not name.lower().endswith(PARTIAL_SUFFIXES)


def list_drops(drop_dir: Path, kinds: Mapping[str, FileKind]) -> list[DropFile]:
    """Every file in the folder (sub-folders included), oldest first; [] if it is missing."""
    if not drop_dir.is_dir():
        return []
    found: list[DropFile] = []
    for root, dirs, files in os.walk(drop_dir):
        dirs[:] = sorted(d for d in dirs if _visible(d))
        for file_name in files:
            if not _visible(file_name):
                continue
            path = Path(root, file_name)
            try:
                stat = path.stat()
            except OSError:
                continue  # gone since the listing
            name = path.relative_to(drop_dir).as_posix()
            kind, problem = route(name, kinds.values())
            found.append(DropFile(path, name, stat.st_size, stat.st_mtime_ns, kind, problem))
    return sorted(found, key=lambda d: (d.mtime_ns, d.name))


def iter_hashed(drops: Iterable[DropFile]) -> Iterator[tuple[DropFile, str]]:
    """Each file with its content hash, skipping (to retry next time) files unreadable now."""
    for drop in drops:
        try:
            yield drop, content_sha256(drop.path)
        except OSError as error:
            logger.warning("%s: cannot be read now, retried next sync: %s", drop.name,
                           error.strerror or type(error).__name__)
