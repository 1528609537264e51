"""File drops: ERP and CRM exports (CSV, JSONL, Parquet) dropped in a folder."""

from connectors.files.kinds import FileKind, KindError, resolve_kinds
from connectors.files.source import DEFAULT_DROP_DIR, files_source

__all__ = ["DEFAULT_DROP_DIR", "FileKind", "KindError", "files_source", "resolve_kinds"]
