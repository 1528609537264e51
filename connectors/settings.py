"""Which environment variable configures which argument of each source.

The README's table of variables lives here as data, so the CLI (`cdpkit
sync`) and the Dagster resources read the same names.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dlt.extract.source import DltSource


@dataclass(frozen=True)
class EnvArg:
    """One source argument read from one environment variable."""

    argument: str
    variable: str
    required: bool = True


SOURCE_ENV: dict[str, tuple[EnvArg, ...]] = {
    "shop": (
        EnvArg("base_url", "SHOPIFY_SHOP_URL"),
        EnvArg("access_token", "SHOPIFY_ACCESS_TOKEN"),
        EnvArg("api_version", "SHOPIFY_API_VERSION", required=False),
    ),
    "erp": (
        EnvArg("base_url", "ODOO_URL"),
        EnvArg("db", "ODOO_DB"),
        EnvArg("login", "ODOO_LOGIN"),
        EnvArg("api_key", "ODOO_API_KEY"),
        EnvArg("transport", "ODOO_TRANSPORT", required=False),
    ),
    "email": (
        EnvArg("api_key", "MAILCHIMP_API_KEY"),
        EnvArg("list_id", "MAILCHIMP_LIST_ID"),
        EnvArg("base_url", "MAILCHIMP_BASE_URL", required=False),
    ),
    "social": (
        EnvArg("bearer_token", "X_BEARER_TOKEN"),
        EnvArg("brand_user_id", "X_BRAND_USER_ID"),
        EnvArg("base_url", "X_API_BASE_URL", required=False),
    ),
    # Both optional: the folder defaults to `drops`, the kinds to the built-in ones.
    "files": (
        EnvArg("drop_dir", "CDP_DROP_DIR", required=False),
        EnvArg("kinds_file", "CDP_FILE_KINDS", required=False),
    ),
}


class MissingSettings(RuntimeError):
    """A source cannot be configured: names the variables to set, never values."""


def source_kwargs(source: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Keyword arguments for `source`'s factory, read from `env` (default: os.environ)."""
    env = os.environ if env is None else env
    missing = [a.variable for a in SOURCE_ENV[source] if a.required and not env.get(a.variable)]
    if missing:
        raise MissingSettings(f"source {source!r} needs environment variables: "
                              + ", ".join(missing))
    return {a.argument: env[a.variable] for a in SOURCE_ENV[source] if env.get(a.variable)}


def variable(source: str, argument: str) -> str:
    """The environment variable that sets `argument` of `source` (for Dagster's `EnvVar`)."""
    return next(a.variable for a in SOURCE_ENV[source] if a.argument == argument)


def optional_setting(source: str, argument: str, default: str | None = None) -> str | None:
    """An optional argument's value from the environment, else `default`."""
    return os.environ.get(variable(source, argument)) or default


def source_from_env(source: str, env: Mapping[str, str] | None = None,
                    **overrides: Any) -> DltSource:
    """The dlt source for `source`, configured from the environment."""
    from connectors.pipeline import SOURCES

    return SOURCES[source](**source_kwargs(source, env), **overrides)
