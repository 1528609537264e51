"""Odoo source: partners, sale orders and their lines, invoices and the mailing blacklist.

`write_date` has one-second precision and ties are common, so each stream
reads `write_date >= last cursor` (inclusive), ordered `write_date asc, id asc`,
and merges on `id`; dlt's incremental drops only the boundary rows it already
saw unchanged (connectors/boundary.py).
Deletions (`unlink`) leave no trace in Odoo: find them by comparing id sets.
The schema uses dlt's `direct` naming so `partner_id__name` keeps its double
underscore (snake_case would collapse it); Odoo names are snake_case already.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import dlt
from dlt.sources import DltResource
from dlt.sources.helpers.rest_client import RESTClient

from connectors.arrow_batches import ArrowWhenFits, batched
from connectors.boundary import whole_row
from connectors.deletions import deletions_resource
from connectors.erp.streams import STREAMS, Stream
from connectors.erp.transport import Json2, JsonRpc, raise_jsonrpc_error
from connectors.errors import source_errors
from connectors.http import check_base_url, json_path, make_session
from connectors.quarantine import quarantine_null_keys

SOURCE = "erp"
ORDER = "write_date asc, id asc"
#: an id-only page is a tenth of a record page's size on the wire: ask for ten times as many
ID_PAGE_FACTOR = 10


def _odoo_ts(value: str | datetime | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.strftime("%Y-%m-%d %H:%M:%S")


def stream_resource(
    transport: JsonRpc | Json2,
    stream: Stream,
    page_size: int,
    start_date: str | None,
    secrets: tuple[str, ...],
    end_date: str | None = None,
) -> DltResource:
    @dlt.resource(
        name=stream.name,
        primary_key="id",
        write_disposition="merge",
        columns=stream.columns(),
    )
    def read(
        write_date: dlt.sources.incremental[str] = dlt.sources.incremental(  # noqa: B008 - dlt idiom
            "write_date", initial_value=start_date, end_value=end_date, primary_key=whole_row
        ),
    ) -> Iterator[list[dict[str, Any]]]:
        domain = [list(clause) for clause in stream.domain]
        if write_date.start_value:
            domain.append(["write_date", ">=", write_date.start_value])
        with source_errors(SOURCE, stream.name, secrets):
            path, body, paginator = transport.search_read(
                stream.model, domain, list(stream.fields), ORDER, page_size
            )
            pages = transport.client.paginate(
                path,
                method="POST",
                json=body,
                paginator=paginator,
                data_selector=json_path(transport.data_selector),
            )
            yield from batched([stream.to_row(record) for record in page] for page in pages)

    return read.add_step(ArrowWhenFits(stream.columns(), naming="direct"))


def live_ids(
    transport: JsonRpc | Json2, stream: Stream, page_size: int, secrets: tuple[str, ...]
) -> Iterator[list[int]]:
    """Every id the stream's domain matches now (archived included): an id-only read."""
    domain = [list(clause) for clause in stream.domain]
    with source_errors(SOURCE, stream.name, secrets):
        path, body, paginator = transport.search_read(
            stream.model, domain, ["id"], "id asc", page_size * ID_PAGE_FACTOR
        )
        for page in transport.client.paginate(
            path, method="POST", json=body, paginator=paginator,
            data_selector=json_path(transport.data_selector),
        ):
            yield [record["id"] for record in page]


@dlt.source(schema=dlt.Schema(SOURCE, normalizers={"names": "direct"}))
def erp_source(
    base_url: str = dlt.config.value,
    db: str = dlt.config.value,
    login: str = dlt.config.value,
    api_key: str = dlt.secrets.value,
    transport: str = "jsonrpc",
    page_size: int = 500,
    start_date: str | None = None,
    retry_policy: Any = None,
    end_date: str | datetime | None = None,
    reconcile_every: timedelta | None = None,
) -> list[DltResource]:
    """Odoo records over JSON-RPC (`transport="jsonrpc"`) or JSON-2 (`"json2"`).

    `start_date` ("YYYY-MM-DD HH:MM:SS" UTC or a datetime) bounds the first
    load; with `end_date` too, records written in [start, end) are re-read and
    merged without touching the stored cursor (a backfill).
    `retry_policy` is a `connectors.http.RetryPolicy`. `reconcile_every`
    spaces out the full id listing that finds unlinked records (None: every sync).
    A record whose `id` is false or missing goes to `quarantine` with the reason
    (connectors/quarantine.py).
    """
    secrets = (api_key,)
    session = make_session(policy=retry_policy, observers=[raise_jsonrpc_error], secrets=secrets)
    client = RESTClient(base_url=check_base_url(base_url), session=session)
    if transport == "jsonrpc":
        rpc: JsonRpc | Json2 = JsonRpc(client, db, login, api_key)
    elif transport == "json2":
        rpc = Json2(client, db, api_key)
    else:
        raise ValueError(f"unknown Odoo transport {transport!r}: use 'jsonrpc' or 'json2'")
    start, end = _odoo_ts(start_date), _odoo_ts(end_date)
    listers = {s.name: partial(live_ids, rpc, s, page_size, secrets) for s in STREAMS}
    resources = [
        *(stream_resource(rpc, s, page_size, start, secrets, end) for s in STREAMS),
        deletions_resource(listers, every=reconcile_every),
    ]
    quarantine_null_keys(resources, SOURCE)  # `id` false or missing: raw_erp.quarantine
    return resources
