"""The one HTTP client policy every connector shares.

Built on dlt's helpers (`dlt.sources.helpers.requests.Session` and its tenacity
retry predicates) rather than a hand-written loop, adding what the vendors
need on top: jitter so parallel runs do not retry in lock-step, server-given
waits (Retry-After, rate-limit reset headers, Shopify's cost bucket) honoured
but bounded, per-source retry predicates (Shopify's HTTP-200 THROTTLED,
Mailchimp's bare 403), redaction of secrets in every message we produce, and a
refusal to send credentials over plain http to anything but loopback.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from email.utils import mktime_tz, parsedate_tz
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode, urlsplit

import orjson
from dlt.common.jsonpath import JSONPath, compile_path
from dlt.sources.helpers.requests import Session
from dlt.sources.helpers.requests.retry import (
    DEFAULT_RETRY_EXCEPTIONS,
    DEFAULT_RETRY_STATUS,
    _get_retry_response,
    retry_if_predicate,
    retry_if_status,
)
from requests import Response
from requests.adapters import HTTPAdapter
from tenacity import (
    RetryCallState,
    Retrying,
    retry_any,
    retry_if_exception_type,
    stop_after_attempt,
)

logger = logging.getLogger(__name__)

RetryPredicate = Callable[[Response | None, BaseException | None], bool]
WaitHint = Callable[[Response], float | None]
Observer = Callable[[Response], None]

LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}
_MASK = "***"


def redact(text: str | None, secrets: Iterable[str | None]) -> str:
    """Replace every occurrence of each secret in `text` by `***`.

    Secrets shorter than 4 characters are ignored: masking them would shred
    ordinary words while protecting nothing.
    """
    if text is None:
        return ""
    out = str(text)
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        out = out.replace(secret, _MASK)
    return out


def check_base_url(url: str) -> str:
    """Return `url` without a trailing slash, refusing plain http off loopback.

    Tokens travel in headers; over plain http anyone on the path reads them.
    The simulators run on 127.0.0.1, so loopback is the only exception.
    """
    parts = urlsplit(url)
    if parts.scheme == "https" or (
        parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS
    ):
        return url.rstrip("/")
    raise ValueError(f"refusing base URL {url!r}: use https (plain http only on loopback)")


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds for retrying: attempts, exponential backoff with jitter, waits asked by servers."""

    max_attempts: int = 6
    backoff_base: float = 0.5
    max_backoff: float = 30.0
    max_server_wait: float = 900.0
    jitter: float = 0.25
    connect_timeout: float = 10.0
    read_timeout: float = 60.0

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based), jittered."""
        base = min(self.max_backoff, self.backoff_base * 2 ** (attempt - 1))
        return base * random.uniform(1 - self.jitter, 1 + self.jitter)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: integer, float ("2.0") or HTTP date."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    parsed = parsedate_tz(value)
    if parsed is None:
        return None
    return max(0.0, mktime_tz(parsed) - time.time())


class _Wait:
    """Tenacity wait: a server-given delay when there is one, else jittered backoff."""

    def __init__(self, policy: RetryPolicy, hints: Sequence[WaitHint]) -> None:
        self.policy = policy
        self.hints = hints

    def server_wait(self, response: Response | None) -> float | None:
        if response is None:
            return None
        for hint in self.hints:
            seconds = hint(response)
            if seconds is not None:
                return seconds
        return parse_retry_after(response.headers.get("Retry-After"))

    def __call__(self, state: RetryCallState) -> float:
        p = self.policy
        seconds = self.server_wait(_get_retry_response(state))
        if seconds is not None:
            # the server knows when capacity returns; a little jitter avoids a herd
            return min(seconds, p.max_server_wait) + random.uniform(0, p.jitter)
        return p.backoff(state.attempt_number)


def parse_json_once(response: Response) -> None:
    """Make `response.json()` parse the body once, with orjson.

    A page's body is read by several hands (the paginator, dlt's data selector,
    the X includes, the rate-limit observers) and requests parses it again for
    each, with simplejson: at a million records that was most of the client's
    CPU after dlt's own. A body orjson refuses (integers past 64 bits) is parsed
    by requests as before, and a body that is not JSON raises as before.
    """
    parsed: list[Any] = []
    parse_with_requests = response.json

    def json(**kwargs: Any) -> Any:
        if kwargs:
            return parse_with_requests(**kwargs)
        if not parsed:
            try:
                parsed.append(orjson.loads(response.content))
            except orjson.JSONDecodeError:
                parsed.append(parse_with_requests())
        return parsed[0]

    response.json = json  # type: ignore[method-assign]


def with_query(path: str, params: dict[str, Any]) -> str:
    """`path` with `params` encoded into its query string, once per read.

    requests encodes a `params` dict again for every page (`urlencode`, then
    urllib3 re-checks each character): under a profiler of X mentions that was
    a quarter of the request's client CPU, for field lists that never change.
    Only what a paginator sets per page (a cursor, an offset) is left to it.
    """
    return f"{path}?{urlencode(params)}" if params else path


@lru_cache(maxsize=256)
def json_path(path: str) -> JSONPath:
    """`path` compiled once, for `RESTClient.paginate(data_selector=...)`.

    dlt compiles a string selector again on every page (jsonpath_ng builds its
    parser each time, about 1 ms under a profiler): a tenth of the client's CPU
    in that profile of X mentions, 100 to a page. A compiled path is used as is.
    """
    return compile_path(path)


def make_session(
    *,
    policy: RetryPolicy | None = None,
    retry_if: Sequence[RetryPredicate] = (),
    wait_hints: Sequence[WaitHint] = (),
    observers: Sequence[Observer] = (),
    secrets: Iterable[str | None] = (),
    headers: dict[str, str] | None = None,
) -> Session:
    """A dlt `Session` with timeouts on every call and one bounded retry policy.

    Retries 429, 5xx, connection errors and whatever `retry_if` predicates
    accept; waits what the server asks (`wait_hints`, then Retry-After),
    otherwise exponential backoff with jitter. `observers` see every response
    inside the retry loop (rate-limit pacing); they are not request hooks
    because requests lets a request's hooks replace the session's.
    `raise_for_status` is off because dlt's RESTClient raises through its own
    response hook. `secrets` are redacted from retry logs.
    """
    policy = policy or RetryPolicy()
    secrets = tuple(secrets)
    session = Session(
        timeout=(policy.connect_timeout, policy.read_timeout), raise_for_status=False
    )
    adapter = HTTPAdapter(pool_maxsize=1)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    if headers:
        session.headers.update(headers)

    def log_retry(state: RetryCallState) -> None:
        resp = _get_retry_response(state)
        exc = state.outcome.exception() if state.outcome else None
        what = f"HTTP {resp.status_code}" if resp is not None else type(exc).__name__
        url = resp.request.url if resp is not None and resp.request is not None else "?"
        sleep = state.next_action.sleep if state.next_action else 0.0
        logger.warning(
            "%s from %s; retry %d/%d in %.1fs",
            what,
            redact(url, secrets),
            state.attempt_number,
            policy.max_attempts - 1,
            sleep,
        )

    retrying = Retrying(
        wait=_Wait(policy, wait_hints),
        retry=retry_any(
            retry_if_status(DEFAULT_RETRY_STATUS),
            retry_if_exception_type(DEFAULT_RETRY_EXCEPTIONS),
            *[retry_if_predicate(p) for p in retry_if],
        ),
        stop=stop_after_attempt(policy.max_attempts),
        before_sleep=log_retry,
        reraise=True,
        retry_error_callback=lambda state: state.outcome.result(),
    )
    send = session.send

    def observed_send(request: Any, **kwargs: Any) -> Response:
        response = send(request, **kwargs)
        parse_json_once(response)
        for observe in observers:
            observe(response)
        return response

    session.send = retrying.wraps(observed_send)  # type: ignore[method-assign]
    _remember_environment(session)
    return session


def _remember_environment(session: Session) -> None:
    """Read proxy and CA-bundle variables once per origin, not on every request.

    requests scans the whole environment twice per request for `*_proxy`
    variables: about a millisecond each, more than the X simulator spends
    serving a page of 100 mentions. A sync's environment does not change
    while it runs, and the answer depends only on the URL's origin (NO_PROXY
    matches hosts), so it is kept per origin for the session's life.
    """
    merge = session.merge_environment_settings
    known: dict[tuple, dict[str, Any]] = {}

    def merge_environment_settings(url: str, proxies: Any, stream: Any, verify: Any,
                                   cert: Any) -> dict[str, Any]:
        parts = urlsplit(url)
        try:
            key = (parts.scheme, parts.netloc, tuple(sorted((proxies or {}).items())),
                   stream, verify, cert)
            hash(key)
        except TypeError:  # an unhashable setting: ask requests every time
            return merge(url, proxies, stream, verify, cert)
        if key not in known:
            known[key] = merge(url, proxies, stream, verify, cert)
        settings = known[key]
        return {**settings, "proxies": dict(settings["proxies"] or {})}

    session.merge_environment_settings = merge_environment_settings  # type: ignore[method-assign]
