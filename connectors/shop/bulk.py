"""Shopify bulk operations: the scalable path for a first load and for listing every id.

A paged read pays cost points for every record and waits on the bucket: a
large shop's first sync takes hours that way. A bulk operation runs the query
on Shopify's side and hands back one JSONL file, at the price of a mutation
(10 points) and a few polls (1 point each).

The file sits behind a signed URL: it is fetched without the access token (the
token must never travel to the storage host) and the signature is redacted
like a secret, since anyone holding the URL can read the customers in it.
Nodes of nested connections (an order's line items) come on lines of their
own with `__parentId`, right after their parent (`groupObjects: true`).
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson
import requests

from connectors.arrow_batches import BATCH_ROWS
from connectors.errors import SourceError, source_errors
from connectors.http import RetryPolicy, check_base_url, make_session

if TYPE_CHECKING:
    from connectors.shop.source import ShopClient

logger = logging.getLogger(__name__)

SOURCE = "shop"
RUN = """
mutation RunBulkQuery($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: true) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}
"""
CURRENT = """
query CurrentBulkOperation {
  currentBulkOperation(type: QUERY) { id status errorCode objectCount url query }
}
"""
RUNNING = ("CREATED", "RUNNING", "CANCELING")
SUPERSEDED_RESTARTS = 3


@dataclass(frozen=True)
class BulkSettings:
    """How patiently to wait for an operation Shopify runs at its own pace."""

    first_poll: float = 0.25
    max_poll: float = 10.0
    timeout: float = 6 * 3600.0
    #: records a page: dlt spends a fixed ~3 ms on every page it is handed
    page_size: int = BATCH_ROWS


class BulkReader:
    """Runs one bulk query at a time and yields its records in pages."""

    def __init__(self, client: ShopClient, policy: RetryPolicy | None,
                 settings: BulkSettings | None = None) -> None:
        self.client = client
        self.policy = policy or RetryPolicy()
        self.settings = settings or BulkSettings()
        # no auth, no GraphQL observers: this session only fetches result files
        self.download_session = make_session(policy=self.policy, secrets=client.secrets)

    def pages(self, stream: str, query: str, child_field: str | None = None
              ) -> Iterator[list[dict[str, Any]]]:
        """The records `query` selects, `child_field` holding each one's nested nodes."""
        with tempfile.TemporaryDirectory(prefix="cdpkit-shop-bulk-") as tmp:
            path = Path(tmp) / "result.jsonl"
            url = self._run(stream, query)
            if url is None:
                return
            self._download(stream, url, path)
            page: list[dict[str, Any]] = []
            try:
                for record in assemble(_read_lines(path), child_field):
                    page.append(record)
                    if len(page) >= self.settings.page_size:
                        yield page
                        page = []
            except ValueError as exc:  # also orjson.JSONDecodeError
                raise SourceError(SOURCE, stream, f"unreadable bulk result: {exc}") from None
            if page:
                yield page

    # -- the operation --------------------------------------------------------
    def _run(self, stream: str, query: str) -> str | None:
        """Start (or adopt) the operation, wait for it, return its result URL."""
        with source_errors(SOURCE, stream, self.client.secrets):
            for _ in range(SUPERSEDED_RESTARTS):
                op_id = self._start(stream, query)
                done = self._wait(stream, lambda op: op["status"] not in RUNNING)
                if done["id"] == op_id:
                    break
                # `currentBulkOperation` shows only the newest operation: another one
                # (a killed run's request landing late, another app) started after
                # ours ended, so our result URL is out of reach. Run ours again.
                logger.info("shop %s: bulk operation %s was superseded by %s before its "
                            "result was read; running it again", stream, op_id, done["id"])
            else:
                raise SourceError(SOURCE, stream, f"bulk operations kept being superseded "
                                  f"({SUPERSEDED_RESTARTS} times) before their results were read")
        if done["status"] != "COMPLETED":
            raise SourceError(SOURCE, stream, f"bulk operation {done['id']} ended "
                              f"{done['status']} ({done.get('errorCode') or 'no error code'})")
        logger.info("shop %s: bulk operation done, %s objects", stream, done.get("objectCount"))
        return done.get("url")

    def _start(self, stream: str, query: str) -> str:
        deadline = time.monotonic() + self.settings.timeout
        while True:
            data = self.client.execute(RUN, {"query": query})["bulkOperationRunQuery"]
            errors = data.get("userErrors") or []
            if not errors:
                return data["bulkOperation"]["id"]
            if not any(e.get("code") == "OPERATION_IN_PROGRESS" for e in errors):
                raise SourceError(SOURCE, stream, "bulk query refused: "
                                  + "; ".join(e.get("message", "") for e in errors))
            current = self._current()
            if current and current["status"] in (*RUNNING, "COMPLETED") and _same(
                    current.get("query"), query):
                # a run killed mid-wait left this very query running (it may have just
                # completed since our request was refused): use its result
                logger.info("shop %s: adopting bulk operation %s already running",
                            stream, current["id"])
                return current["id"]
            if time.monotonic() > deadline:
                raise SourceError(SOURCE, stream, "another bulk query operation has been "
                                  "running for too long; cancel it with bulkOperationCancel")
            logger.info("shop %s: waiting for another bulk operation to finish", stream)
            self._wait(stream, lambda op: op["status"] not in RUNNING)

    def _wait(self, stream: str, finished: Any) -> dict[str, Any]:
        delay = self.settings.first_poll
        deadline = time.monotonic() + self.settings.timeout
        while True:
            current = self._current()
            if current is None or finished(current):
                return current or {"id": "?", "status": "EXPIRED"}
            if time.monotonic() > deadline:
                raise SourceError(SOURCE, stream, f"bulk operation {current['id']} still "
                                  f"{current['status']} after {self.settings.timeout:.0f}s")
            logger.info("shop %s: bulk operation %s, %s objects so far", stream,
                        current["status"].lower(), current.get("objectCount"))
            time.sleep(delay)
            delay = min(self.settings.max_poll, delay * 2)

    def _current(self) -> dict[str, Any] | None:
        return self.client.execute(CURRENT, {})["currentBulkOperation"]

    # -- the result file ------------------------------------------------------
    def _download(self, stream: str, url: str, path: Path) -> None:
        """Fetch the signed URL to `path`, retrying a transfer cut mid-body."""
        secrets = (*self.client.secrets, urlsplit(url).query)
        with source_errors(SOURCE, stream, secrets):
            check_base_url(url)
            for attempt in range(1, self.policy.max_attempts + 1):
                try:
                    self._fetch(url, path)
                    return
                except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                        _Truncated) as exc:
                    if attempt == self.policy.max_attempts:
                        raise requests.ConnectionError(f"bulk result download failed: {exc}"
                                                       ) from None
                    wait = self.policy.backoff(attempt + 1)
                    logger.warning("shop %s: bulk result download cut (%s); retry %d in %.1fs",
                                   stream, type(exc).__name__, attempt, wait)
                    time.sleep(wait)

    def _fetch(self, url: str, path: Path) -> None:
        with self.download_session.get(url, stream=True) as response:
            response.raise_for_status()
            expected = response.headers.get("Content-Length")
            written = 0
            with path.open("wb") as out:
                for chunk in response.iter_content(1 << 20):
                    out.write(chunk)
                    written += len(chunk)
        if expected is not None and written != int(expected):
            raise _Truncated(f"{written} of {expected} bytes")


class _Truncated(Exception):
    """The connection closed before the promised Content-Length arrived."""


def _same(a: str | None, b: str) -> bool:
    return a is not None and " ".join(a.split()) == " ".join(b.split())


def _read_lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as lines:
        for line in lines:
            if line.strip():
                yield orjson.loads(line)


def assemble(objects: Iterable[dict[str, Any]], child_field: str | None
             ) -> Iterator[dict[str, Any]]:
    """Records with their children (`__parentId` lines) gathered into `child_field`."""
    current: dict[str, Any] | None = None
    for obj in objects:
        parent = obj.pop("__parentId", None)
        if parent is None:
            if current is not None:
                yield current
            current = obj
            if child_field:
                current[child_field] = []
        elif child_field and current is not None and current.get("id") == parent:
            current[child_field].append(obj)
        else:
            raise ValueError(f"bulk result line for {parent} is not grouped after its parent")
    if current is not None:
        yield current
