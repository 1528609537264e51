"""Mailchimp Marketing API 3.0 source: list members, campaigns, email activity.

Members are read incrementally on `last_changed`. Mailchimp's
`since_last_changed` is *exclusive* and has one-second precision, so the
request asks from one second before the stored cursor and dlt's incremental
drops the rows it already holds unchanged (connectors/boundary.py; merge on
`id` takes the rest). Archived members are not listed by default, so a second
read with `status=archived` makes an archive show up as a change instead of the
member staying "live". Merge fields are read whole: they are the audience's
own schema, so a field the owner adds lands as a new column (schema drift,
reported by connectors/drift.py) instead of being filtered out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import dlt
from dlt.sources import DltResource
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth
from dlt.sources.helpers.rest_client.paginators import OffsetPaginator
from requests import Response

from connectors.arrow_batches import batched
from connectors.boundary import whole_row
from connectors.child_tables import ChildTable, SplitChildTables
from connectors.email.activity import activity_rows
from connectors.errors import source_errors
from connectors.hints import columns
from connectors.http import check_base_url, json_path, make_session, with_query
from connectors.parsed_timestamps import TimestampsParsed
from connectors.quarantine import quarantine_null_keys

SOURCE = "email"
_THROTTLE_WORDS = re.compile(r"throttl|too many|rate.?limit", re.IGNORECASE)

MEMBER_FIELDS = (
    "id,email_address,unique_email_id,contact_id,full_name,status,email_type,list_id,"
    "timestamp_signup,timestamp_opt,last_changed,language,vip,merge_fields,"
    "location.country_code,tags"
)
MEMBER_COLUMNS = columns(
    text=(
        "id", "email_address", "unique_email_id", "contact_id", "full_name", "status",
        "email_type", "list_id", "language", "merge_fields__fname", "merge_fields__lname",
        "merge_fields__phone", "merge_fields__address__addr1", "merge_fields__address__addr2",
        "merge_fields__address__city", "merge_fields__address__state",
        "merge_fields__address__zip", "merge_fields__address__country",
        "location__country_code",
    ),
    bool=("vip",),
    timestamp=("timestamp_signup", "timestamp_opt", "last_changed"),
)
#: a member's tags, keyed by member and position (connectors/child_tables.py)
MEMBER_LISTS = (
    ChildTable("tags", "members__tags", "member_id", columns(bigint=("id",), text=("name",))),
)
CAMPAIGN_COLUMNS = columns(
    text=("id", "type", "status", "settings__subject_line", "settings__title",
          "recipients__list_id"),
    bigint=("web_id", "emails_sent"),
    timestamp=("create_time", "send_time"),
)
CAMPAIGN_FIELDS = (
    "id,web_id,type,status,create_time,send_time,emails_sent,settings.subject_line,"
    "settings.title,recipients.list_id"
)


def base_url_for_key(api_key: str) -> str:
    """`https://<dc>.api.mailchimp.com/3.0` from the key's `-<dc>` suffix."""
    _, sep, dc = api_key.rpartition("-")
    if not sep or not re.fullmatch(r"[a-z]+\d+", dc):
        raise ValueError("Mailchimp API key has no data-centre suffix (expected '...-us14')")
    return f"https://{dc}.api.mailchimp.com/3.0"


def throttled_403(response: Response | None, exception: BaseException | None) -> bool:
    """Mailchimp's edge throttles at volume with a bare 403; retry it like a 429.

    A real permission error from the API is a JSON problem document; a bare
    (non-JSON) 403 page, or one that talks about throttling, is the edge.
    """
    if response is None or response.status_code != 403:
        return False
    is_problem = "json" in (response.headers.get("Content-Type") or "")
    return not is_problem or bool(_THROTTLE_WORDS.search(response.text or ""))


def _fields(prefix: str, names: str) -> str:
    return ",".join(f"{prefix}.{n}" for n in names.split(",")) + ",total_items"


def _blank_to_none(row: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """Mailchimp sends "" for unset timestamps; a timestamp column needs NULL."""
    for key in keys:
        if row.get(key) == "":
            row[key] = None
    row.pop("_links", None)
    return row


def _member_row(member: dict[str, Any]) -> dict[str, Any]:
    """Blank timestamps to NULL; an empty ADDRESS merge field ("") is dropped, not text.

    Only the empty one: an audience whose ADDRESS is a text field sends the
    address as a string, which lands (and is reported) as its own column.
    """
    merge = member.get("merge_fields") or {}
    if merge.get("ADDRESS") == "":
        merge.pop("ADDRESS")
    return _blank_to_none(member, ("timestamp_signup", "timestamp_opt"))


def _since(cursor: str | None) -> str | None:
    """One second before `cursor`, turning the exclusive filter into an inclusive one."""
    if not cursor:
        return None
    moment = datetime.fromisoformat(cursor.replace("Z", "+00:00")) - timedelta(seconds=1)
    return moment.isoformat()


class MailchimpClient:
    """Shared session and offset pagination (`count` + `offset`, `total_items`)."""

    def __init__(self, base_url: str, api_key: str, page_size: int, policy: Any) -> None:
        self.secrets = (api_key,)
        self.page_size = min(page_size, 1000)
        session = make_session(policy=policy, retry_if=[throttled_403], secrets=self.secrets)
        self.rest = RESTClient(
            base_url=check_base_url(base_url),
            auth=HttpBasicAuth(username="cdpkit", password=api_key),
            session=session,
        )

    def pages(
        self, stream: str, path: str, key: str, params: dict[str, Any], offset: int = 0
    ) -> Iterator[list[dict[str, Any]]]:
        """Pages from `offset` on; each keeps its `.response` (for `total_items`)."""
        paginator = OffsetPaginator(
            limit=self.page_size, offset=offset, limit_param="count", offset_param="offset",
            total_path="total_items",
        )
        with source_errors(SOURCE, stream, self.secrets):
            yield from self.rest.paginate(
                with_query(path, params), params={}, paginator=paginator,
                data_selector=json_path(key),
            )


def members_resource(
    client: MailchimpClient, list_id: str, start: str | None, end: str | None = None
) -> DltResource:
    @dlt.resource(
        name="members",
        primary_key="id",
        write_disposition="merge",
        columns=MEMBER_COLUMNS,
    )
    def members(
        last_changed: dlt.sources.incremental[str] = dlt.sources.incremental(  # noqa: B008 - dlt idiom
            "last_changed", initial_value=start, end_value=end, primary_key=whole_row
        ),
    ) -> Iterator[list[dict[str, Any]]]:
        params: dict[str, Any] = {
            "sort_field": "last_changed",
            "sort_dir": "ASC",
            "fields": _fields("members", MEMBER_FIELDS),
        }
        since = _since(last_changed.start_value)
        if since:
            params["since_last_changed"] = since
        pages = (
            [_member_row(m) for m in page]
            for status in (None, "archived")
            for page in client.pages("members", f"lists/{list_id}/members", "members",
                                     params | ({"status": status} if status else {}))
        )
        yield from batched(pages)  # dlt's cost per page handed over is fixed (~3 ms)

    return members.add_step(
        TimestampsParsed(("timestamp_signup",), ("timestamp_opt",), ("last_changed",))
    ).add_step(SplitChildTables(MEMBER_COLUMNS, MEMBER_LISTS))


def campaigns_resource(client: MailchimpClient) -> DltResource:
    @dlt.resource(
        name="campaigns",
        primary_key="id",
        write_disposition="merge",
        columns=CAMPAIGN_COLUMNS,
    )
    def campaigns() -> Iterator[list[dict[str, Any]]]:
        # campaigns change after creation (status, emails_sent): re-read all, merge on id
        params = {
            "sort_field": "create_time",
            "sort_dir": "ASC",
            "fields": _fields("campaigns", CAMPAIGN_FIELDS),
        }
        for page in client.pages("campaigns", "campaigns", "campaigns", params):
            yield [_blank_to_none(c, ("send_time", "create_time")) for c in page]

    return campaigns


@dlt.source(name=SOURCE)
def email_source(
    base_url: str | None = None,
    api_key: str = dlt.secrets.value,
    list_id: str = dlt.config.value,
    page_size: int = 1000,
    start_date: str | None = None,
    retry_policy: Any = None,
    end_date: str | datetime | None = None,
) -> list[DltResource]:
    """Members of one audience, its campaigns and their per-recipient activity.

    `base_url=None` derives the data centre from the key. One connection is
    used (Mailchimp allows 10 per key). `start_date` is ISO 8601; with
    `end_date` too, members changed in [start, end) are re-read and merged
    without touching the stored cursor (a backfill). A record with an empty
    primary key goes to `quarantine` with the reason (connectors/quarantine.py).
    """
    url = base_url or base_url_for_key(api_key)
    client = MailchimpClient(url, api_key, page_size, retry_policy)
    start, end = (d.isoformat() if isinstance(d, datetime) else d for d in (start_date, end_date))
    campaigns = campaigns_resource(client)
    resources = [
        members_resource(client, list_id, start, end),
        campaigns,
        activity_rows(client, campaigns),
    ]
    quarantine_null_keys(resources, SOURCE)  # a record without its key: raw_email.quarantine
    return resources
