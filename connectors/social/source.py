"""X API v2 source: the brand's followers, mentions of the brand, and DMs.

Mentions are polled with `since_id`, kept in dlt resource state (the newest
id seen), because X's own cursor tokens expire and must never be stored.
Tweet authors arrive in `includes.users` and are dispatched to the `users`
table beside the followers (merge on `id` de-duplicates people who are both).
DM events come newest first, so dlt's incremental on `created_at` with
`row_order="desc"` stops paging as soon as it reaches already-loaded events.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt
from dlt.sources import DltResource
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

from connectors.arrow_batches import BATCH_ROWS, ArrowWhenFits, batched
from connectors.deletions import reconciliation_due
from connectors.errors import source_errors
from connectors.hints import columns
from connectors.http import RetryPolicy, check_base_url, json_path, make_session, with_query
from connectors.quarantine import quarantine_null_keys
from connectors.social.ratelimit import WindowPacer, reset_wait_on_429

SOURCE = "social"
USER_FIELDS = "created_at,description,location,url,verified,public_metrics"
TWEET_FIELDS = "created_at,conversation_id,in_reply_to_user_id,lang,author_id"
DM_FIELDS = "id,text,event_type,created_at,sender_id,dm_conversation_id"
USER_COLUMNS = columns(
    text=("id", "name", "username", "description", "location", "url"),
    bool=("verified",),
    bigint=tuple(f"public_metrics__{m}" for m in (
        "followers_count", "following_count", "tweet_count", "listed_count", "like_count")),
    timestamp=("created_at",),
)
TWEET_COLUMNS = columns(
    text=("id", "text", "author_id", "conversation_id", "in_reply_to_user_id", "lang"),
    timestamp=("created_at",),
)
DM_COLUMNS = columns(
    text=("id", "event_type", "text", "sender_id", "dm_conversation_id"),
    timestamp=("created_at",),
)


def _user_hints() -> dict[str, Any]:
    return {"primary_key": "id", "write_disposition": "merge", "columns": USER_COLUMNS}


class XClient:
    """Shared session; pages follow `meta.next_token` via `pagination_token`."""

    def __init__(
        self, base_url: str, bearer_token: str, policy: RetryPolicy | None, max_wait: float
    ) -> None:
        self.secrets = (bearer_token,)
        policy = policy or RetryPolicy(max_server_wait=max_wait)
        session = make_session(
            policy=policy,
            wait_hints=[reset_wait_on_429],
            observers=[WindowPacer(max_wait)],
            secrets=self.secrets,
        )
        self.rest = RESTClient(
            base_url=check_base_url(base_url),
            auth=BearerTokenAuth(token=bearer_token),
            session=session,
        )

    def pages(self, stream: str, path: str, params: dict[str, Any]) -> Iterator[Any]:
        """Yield dlt PageData (a list with `.response`, so includes/meta stay reachable)."""
        paginator = JSONResponseCursorPaginator(
            cursor_path="meta.next_token", cursor_param="pagination_token"
        )
        with source_errors(SOURCE, stream, self.secrets):
            yield from self.rest.paginate(
                with_query(path, params), params={}, paginator=paginator,
                data_selector=json_path("data"),
            )


def users_resource(
    client: XClient, brand_user_id: str, page_size: int, reread_every: timedelta | None
) -> DltResource:
    """The brand's followers, newest first.

    X has no "followed since" filter, but it lists followers newest first: a
    sync reads until it meets someone from the head of the previous read (the
    ids of its first page, kept in resource state), since everyone after them
    is already loaded. Profile edits and unfollows show only in a full read,
    done when `reread_every` has passed (None: every sync).
    """

    @dlt.resource(name="users", **_user_hints())
    def users() -> Iterator[list[dict[str, Any]]]:
        state = dlt.current.resource_state()
        now = datetime.now(UTC)
        full = reconciliation_due(state.get("reread_at"), reread_every, now)
        known_head = set() if full else set(state.get("head") or ())
        params = {"max_results": min(page_size, 1000), "user.fields": USER_FIELDS}
        head: list[str] = []

        def until_known_head() -> Iterator[list[dict[str, Any]]]:
            for page in client.pages("users", f"users/{brand_user_id}/followers", params):
                rows = list(page)
                if not head:
                    head.extend(u["id"] for u in rows if u.get("id"))
                yield rows
                if any(u.get("id") in known_head for u in rows):
                    return

        yield from batched(until_known_head())
        if head:
            state["head"] = head
        if full:
            state["reread_at"] = now.isoformat()

    return users.add_step(ArrowWhenFits(USER_COLUMNS))


def tweets_resource(client: XClient, brand_user_id: str, page_size: int) -> DltResource:
    # hints live on per-table variants: resource-level columns would leak into `users`
    tweet_hints = dlt.mark.make_hints(
        table_name="tweets", primary_key="id", write_disposition="merge", columns=TWEET_COLUMNS
    )
    user_hints = dlt.mark.make_hints(table_name="users", **_user_hints())

    @dlt.resource(name="tweets", primary_key="id", write_disposition="merge")
    def tweets() -> Iterator[Any]:
        state = dlt.current.resource_state()
        params = {
            "max_results": max(5, min(page_size, 100)),
            "expansions": "author_id",
            "tweet.fields": TWEET_FIELDS,
            "user.fields": USER_FIELDS,
        }
        if state.get("since_id"):
            params["since_id"] = state["since_id"]
        newest = int(state.get("since_id") or 0)
        mentions: list[dict[str, Any]] = []
        authors: list[dict[str, Any]] = []
        for page in client.pages("tweets", f"users/{brand_user_id}/mentions", params):
            # an id-less mention is quarantined downstream (connectors/quarantine.py)
            newest = max([newest, *(int(t["id"]) for t in page if t.get("id"))])
            # edit_history_tweet_ids is always sent by X; the contract has no use for it
            mentions.extend({k: v for k, v in t.items() if k != "edit_history_tweet_ids"}
                            for t in page)
            authors.extend((page.response.json().get("includes") or {}).get("users") or [])
            if len(mentions) + len(authors) >= BATCH_ROWS:
                yield from _tweet_batches(mentions, authors, tweet_hints, user_hints)
                mentions, authors = [], []
        yield from _tweet_batches(mentions, authors, tweet_hints, user_hints)
        if newest:
            state["since_id"] = str(newest)

    return tweets.add_step(ArrowWhenFits())


def _tweet_batches(mentions: list[dict[str, Any]], authors: list[dict[str, Any]],
                   tweet_hints: Any, user_hints: Any) -> Iterator[Any]:
    """Mentions and their authors, each to its own table (dlt table variants)."""
    if mentions:
        yield dlt.mark.with_hints(mentions, tweet_hints, create_table_variant=True)
    if authors:
        yield dlt.mark.with_hints(authors, user_hints, create_table_variant=True)


def dm_events_resource(client: XClient, page_size: int) -> DltResource:
    @dlt.resource(name="dm_events", primary_key="id", write_disposition="merge",
                  columns=DM_COLUMNS)
    def dm_events(
        created_at: dlt.sources.incremental[str] = dlt.sources.incremental(  # noqa: B008 - dlt idiom
            "created_at", row_order="desc"
        ),
    ) -> Iterator[list[dict[str, Any]]]:
        params = {"max_results": max(1, min(page_size, 100)), "dm_event.fields": DM_FIELDS}
        start = created_at.start_value
        pages = (list(page) for page in client.pages("dm_events", "dm_events", params))
        # newest first: a page reaching back past the cursor is yielded at once, so
        # dlt's incremental sees the old rows and stops paging there
        yield from batched(pages, until=lambda page: bool(start) and bool(page)
                           and page[-1]["created_at"] < start)

    return dm_events.add_step(ArrowWhenFits(DM_COLUMNS))


@dlt.source(name=SOURCE)
def social_source(
    base_url: str = "https://api.x.com/2",
    bearer_token: str = dlt.secrets.value,
    brand_user_id: str = "1000000000000000001",
    page_size: int = 100,
    followers_page_size: int = 1000,
    max_rate_limit_wait: float = 900.0,
    retry_policy: Any = None,
    reconcile_every: timedelta | None = None,
) -> list[DltResource]:
    """Followers and mention authors (`users`), mentions (`tweets`) and `dm_events`.

    Followers are read 1,000 a page (the most X allows) because that endpoint
    has the tightest window, 15 requests per 15 minutes: at 100 a page an
    audience of a few thousand would wait out a window. `max_rate_limit_wait`
    caps how long one wait for a rate-limit window may be. `reconcile_every`
    spaces out full re-reads of the followers (None: every sync). A record with
    no `id` goes to `quarantine` with the reason (connectors/quarantine.py).
    """
    client = XClient(base_url, bearer_token, retry_policy, max_rate_limit_wait)
    resources = [
        users_resource(client, brand_user_id, followers_page_size, reconcile_every),
        tweets_resource(client, brand_user_id, page_size),
        dm_events_resource(client, page_size),
    ]
    # a user, tweet or DM event with no id (authors too): raw_social.quarantine
    quarantine_null_keys(resources, SOURCE)
    return resources
