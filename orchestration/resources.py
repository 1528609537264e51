"""Credentials and endpoints, only ever through Dagster resources.

Each source resource is configured with `EnvVar`, so secrets stay in the
environment (or a secret manager) and never appear in run config, logs or
metadata. The same resource builds the dlt source the CLI uses.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dlt
from dagster import ConfigurableResource
from pydantic import Field

from connectors.deletions import DEFAULT_RECONCILE_EVERY
from connectors.email import email_source
from connectors.erp import erp_source
from connectors.shop import shop_source
from connectors.social import social_source


class WarehouseResource(ConfigurableResource):
    """The DuckDB warehouse file every layer reads and writes."""

    path: str = Field(description="Path of the DuckDB file.")

    def connect(self, read_only: bool = False):
        import duckdb

        from cdpkit.storage import defer_vacuum

        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(self.path, read_only=read_only)
        # a writer leaves the vacuum to the day's compacting dbt build (cdpkit/storage.py)
        return con if read_only else defer_vacuum(con)


class IdentityResource(ConfigurableResource):
    """How identities resolve: the YAML file `cdpkit identity resolve --config` reads."""

    config_path: str | None = Field(
        default=None, description="Identity settings YAML; unset: cdpkit's defaults.")

    def settings(self):
        """The resolved settings; a bad file fails the run with what is wrong in it."""
        from identity.settings import IdentitySettings

        if not self.config_path:
            return IdentitySettings()
        return IdentitySettings.from_yaml(self.config_path)


class RetentionResource(ConfigurableResource):
    """How long rows are kept: the YAML file of retention rules (unset: the defaults)."""

    rules_path: str | None = Field(
        default=None, description="Retention rules YAML; unset: quality/retention.py's.")

    def rules(self):
        from quality.retention import load_rules

        return load_rules(Path(self.rules_path) if self.rules_path else None)


class ShopResource(ConfigurableResource):
    """Shopify GraphQL Admin API: shop URL (`https://<shop>.myshopify.com`) and token."""

    shop_url: str
    access_token: str
    api_version: str = "2025-07"
    detect_deletions: bool = Field(
        default=True, description="List every live id now and then to find deleted records."
    )
    reconcile_every_hours: float = Field(
        default=DEFAULT_RECONCILE_EVERY.total_seconds() / 3600,
        description="Hours between listings of every id to find deletions (0: each run).",
    )

    def source(self, reconcile_now: bool = False) -> dlt.sources.DltSource:
        """The dlt source; `reconcile_now` lists every id this time (the daily run)."""
        return shop_source(
            base_url=self.shop_url,
            access_token=self.access_token,
            api_version=self.api_version,
            detect_deletions=self.detect_deletions,
            reconcile_every=None if reconcile_now else _hours(self.reconcile_every_hours),
        )


class ErpResource(ConfigurableResource):
    """Odoo external API: JSON-RPC (Odoo <= 21) or JSON-2 (Odoo 19+)."""

    url: str
    database: str
    login: str
    api_key: str
    transport: str = "jsonrpc"
    reconcile_every_hours: float = Field(
        default=DEFAULT_RECONCILE_EVERY.total_seconds() / 3600,
        description="Hours between listings of every id to find unlinked records (0: each run).",
    )

    def source(self, reconcile_now: bool = False) -> dlt.sources.DltSource:
        """The dlt source; `reconcile_now` lists every id this time (the daily run)."""
        return erp_source(
            base_url=self.url,
            db=self.database,
            login=self.login,
            api_key=self.api_key,
            transport=self.transport,
            reconcile_every=None if reconcile_now else _hours(self.reconcile_every_hours),
        )


class EmailResource(ConfigurableResource):
    """Mailchimp Marketing API: key (`...-<dc>`), audience id, optional base URL override."""

    api_key: str
    list_id: str
    base_url: str | None = None

    def source(self, reconcile_now: bool = False) -> dlt.sources.DltSource:
        """The dlt source. Mailchimp keeps archived members (status `archived`), so there is
        nothing to reconcile: `reconcile_now` changes nothing."""
        return email_source(base_url=self.base_url, api_key=self.api_key, list_id=self.list_id)


class SocialResource(ConfigurableResource):
    """X API v2: app bearer token and the brand account whose audience is read."""

    bearer_token: str
    brand_user_id: str
    base_url: str = "https://api.x.com/2"
    reconcile_every_hours: float = Field(
        default=DEFAULT_RECONCILE_EVERY.total_seconds() / 3600,
        description="Hours between full re-reads of the followers (0: each run).",
    )

    def source(self, reconcile_now: bool = False) -> dlt.sources.DltSource:
        """The dlt source; `reconcile_now` re-reads every follower this time (the daily run)."""
        return social_source(
            base_url=self.base_url,
            bearer_token=self.bearer_token,
            brand_user_id=self.brand_user_id,
            reconcile_every=None if reconcile_now else _hours(self.reconcile_every_hours),
        )


def _hours(hours: float) -> timedelta | None:
    return timedelta(hours=hours) if hours > 0 else None
