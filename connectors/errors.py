"""One exception type for every connector failure.

Callers (the CLI, Dagster assets) need to know *which* source and stream failed
and which request broke, without ever seeing a credential: vendors echo keys in
error bodies and URLs surprisingly often, so every message is redacted here,
at the single place where connector errors are built.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

import requests

from connectors.http import redact


class ApiError(requests.HTTPError):
    """An error the API reports inside a successful HTTP answer (GraphQL, JSON-RPC).

    Subclassing HTTPError with the response attached lets the shared retry
    predicates inspect it (Shopify THROTTLED) exactly like a status error;
    its message is already the meaningful part (e.g. Odoo's exception name).
    """


class SourceError(RuntimeError):
    """A source could not be read: names source, stream and request, never a secret."""

    def __init__(
        self,
        source: str,
        stream: str,
        detail: str,
        request: str | None = None,
        secrets: Iterable[str | None] = (),
    ) -> None:
        self.source = source
        self.stream = stream
        self.detail = redact(detail, secrets)
        self.request = redact(request, secrets) if request else None
        message = f"source {source!r}, stream {stream!r}: {self.detail}"
        if self.request:
            message += f" [request: {self.request}]"
        super().__init__(message)


def describe_request(exc: requests.RequestException) -> str | None:
    """`METHOD url` of the request behind a requests exception, if known."""
    req = exc.request
    if req is None and exc.response is not None:
        req = exc.response.request
    if req is None:
        return None
    return f"{req.method} {req.url}"


@contextlib.contextmanager
def source_errors(source: str, stream: str, secrets: Iterable[str | None]) -> Iterator[None]:
    """Turn transport and HTTP failures inside the block into a redacted SourceError.

    The original exception is not chained (`from None`): its text and its
    request object may carry the credential, and chained exceptions are
    printed with every traceback.
    """
    secrets = tuple(secrets)
    try:
        yield
    except SourceError as exc:
        if exc.source == source and exc.stream == stream:
            raise
        raise SourceError(source, stream, str(exc), secrets=secrets) from None
    except ApiError as exc:
        raise SourceError(source, stream, str(exc), describe_request(exc), secrets) from None
    except requests.HTTPError as exc:
        resp = exc.response
        status = resp.status_code if resp is not None else "?"
        body = (resp.text[:500] if resp is not None else "") or str(exc)
        detail = f"HTTP {status}: {body}"
        raise SourceError(source, stream, detail, describe_request(exc), secrets) from None
    except requests.RequestException as exc:
        detail = f"{type(exc).__name__}: {exc}"
        raise SourceError(source, stream, detail, describe_request(exc), secrets) from None
