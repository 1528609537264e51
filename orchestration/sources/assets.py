"""One Dagster asset per source stream, loaded by dlt (via dagster-dlt).

Asset keys are `raw_<source>/<stream>`, the keys the dbt sources map to, so
the graph runs source stream -> staging model without glue. The dlt source
built at import time only names the streams; the one that runs is built from
the source's resource, which holds the credentials.
"""


import time
from collections.abc import Iterator
from typing import Any

from dagster import AssetExecutionContext, AssetKey, AssetSpec, MetadataValue
from dagster_dlt import DagsterDltResource, DagsterDltTranslator, dlt_assets
from dagster_dlt.translator import DltResourceTranslatorData

from connectors import drift
from connectors.child_tables import drop_nested_layout
from connectors.pipeline import SOURCES, cursor_positions, make_pipeline
from connectors.quarantine import quarantined_counts
from connectors.suppression import dropped_rows, suppress_erased
from orchestration import groups
from orchestration.resources import (
    EmailResource,
    ErpResource,
    ShopResource,
    SocialResource,
    WarehouseResource,
)
from orchestration.schedules import RECONCILE_TAG
from orchestration.settings import state_dir, warehouse_path
from orchestration.sources.freshness import source_freshness_policy
from orchestration.sources.row_counts import with_row_counts
from orchestration.sources.sync_changes import changes, row_counts

SOURCE_TITLES = {"shop": "Shopify Admin API", "erp": "Odoo external API",
                 "email": "Mailchimp Marketing API", "social": "X API v2",
                 "files": "File drops"}


class RawLayerTranslator(DagsterDltTranslator):
    """Keys `raw_<source>/<stream>`, in the `sources` group."""

    def __init__(self, source_name: str) -> None:
        self.source_name = source_name

    def get_asset_spec(self, data: DltResourceTranslatorData) -> AssetSpec:
        spec = super().get_asset_spec(data)
        table = f"raw_{self.source_name}.{data.resource.name}"
        return spec.replace_attributes(
            key=AssetKey([f"raw_{self.source_name}", data.resource.name]),
            description=spec.description or (
                f"{SOURCE_TITLES.get(self.source_name, self.source_name)}: the "
                f"`{data.resource.name}` stream as the API serves it, loaded by dlt into "
                f"`{table}` (columns documented in the dbt source of the same name)."),
            group_name=groups.SOURCES,
            owners=groups.OWNERS[groups.SOURCES],
            # files come when they come; the API sources are expected hourly
            freshness_policy=None if self.source_name == "files" else source_freshness_policy(),
            deps=[],
            kinds={"dlt", "duckdb"},
        )


# Enough for dlt to list a source's streams at import time; never used to sync.
PLACEHOLDER_ARGS: dict[str, dict[str, str]] = {
    "shop": {"base_url": "https://placeholder.myshopify.com", "access_token": "unset"},
    "erp": {"base_url": "https://placeholder.odoo.com", "db": "unset", "login": "unset",
            "api_key": "unset"},
    "email": {"api_key": "unset-us1", "list_id": "unset"},
    "social": {"bearer_token": "unset"},
}


def _asset_args(source_name: str) -> dict[str, Any]:
    """Decorator arguments shared by every source: names, keys, a pool per source."""
    return {
        "dlt_source": SOURCES[source_name](**PLACEHOLDER_ARGS[source_name]),
        "dlt_pipeline": make_pipeline(source_name, warehouse_path(), state_dir() / "dlt"),
        "name": f"sync_{source_name}",
        "dagster_dlt_translator": RawLayerTranslator(source_name),
        "pool": f"source_{source_name}",
    }


def _run(
    source_name: str,
    context: AssetExecutionContext,
    dlt: DagsterDltResource,
    warehouse: WarehouseResource,
    api: Any,
) -> Iterator[Any]:
    pipeline = make_pipeline(source_name, warehouse.path, state_dir() / "dlt")
    started = time.perf_counter()
    # the daily reconciliation run (orchestration/schedules.py) lists every id
    reconcile_now = context.run.tags.get(RECONCILE_TAG) == "full"
    source = api.source(reconcile_now=reconcile_now)
    suppressing = suppress_erased(source, source_name, warehouse.path, state_dir())
    drop_nested_layout(pipeline, source)
    before = drift.snapshot(pipeline)
    counts_before = row_counts(pipeline, list(source.selected_resources))
    events = dlt.run(context=context, dlt_source=source, dlt_pipeline=pipeline)
    report = None
    for event in with_row_counts(events, pipeline):
        if report is None:  # the load is done once the first materialisation comes out
            report = drift.detect(pipeline, before, source_name)
        cursors = cursor_positions(pipeline.state, source_name)
        stream = event.asset_key.path[-1]
        quarantined = quarantined_counts(source).get(stream, 0)
        if quarantined:  # the stream and the count only: the records may hold anything
            context.log.warning(f"{stream}: {quarantined} records with an empty primary key "
                                f"quarantined in raw_{source_name}.quarantine")
        yield event._replace(metadata={
            **event.metadata,
            "cursor": cursors.get(stream, "none: re-read in full each sync"),
            "source_sync_seconds": round(time.perf_counter() - started, 2),
            "schema_drift": MetadataValue.md(_drift_of(report, stream)),
            "records_quarantined": quarantined,
            "rows_suppressed": dropped_rows(suppressing).get(stream, 0),
            **changes(pipeline, counts_before, stream,
                      event.metadata.get("dagster/row_count")),
        })


def _drift_of(report: drift.DriftReport, stream: str) -> str:
    """The drift in one stream's table and its nested tables (`none` when nothing changed)."""
    mine = [c for c in report.changes if c.table == stream or c.table.startswith(f"{stream}__")]
    return drift.DriftReport(report.source, mine).markdown()


@dlt_assets(**_asset_args("shop"))
def sync_shop(context: AssetExecutionContext, dlt: DagsterDltResource,
              warehouse: WarehouseResource, shop_api: ShopResource):
    yield from _run("shop", context, dlt, warehouse, shop_api)


@dlt_assets(**_asset_args("erp"))
def sync_erp(context: AssetExecutionContext, dlt: DagsterDltResource,
             warehouse: WarehouseResource, erp_api: ErpResource):
    yield from _run("erp", context, dlt, warehouse, erp_api)


@dlt_assets(**_asset_args("email"))
def sync_email(context: AssetExecutionContext, dlt: DagsterDltResource,
               warehouse: WarehouseResource, email_api: EmailResource):
    yield from _run("email", context, dlt, warehouse, email_api)


@dlt_assets(**_asset_args("social"))
def sync_social(context: AssetExecutionContext, dlt: DagsterDltResource,
                warehouse: WarehouseResource, social_api: SocialResource):
    yield from _run("social", context, dlt, warehouse, social_api)


source_assets = [sync_shop, sync_erp, sync_email, sync_social]
