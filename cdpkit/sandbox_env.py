"""Wire the local simulators into the environment variables real sources use.

The pipeline cannot tell a simulator from the vendor: it reads the same
variables (README, "Pointing cdpkit at real sources"); only their values
differ. The credentials here are the simulators' own sandbox defaults.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sandbox.simulators import SimulatorHandle

SANDBOX_CREDENTIALS = {
    "SHOPIFY_ACCESS_TOKEN": "shpat_sandbox",
    "ODOO_DB": "cdp",
    "ODOO_LOGIN": "admin",
    "ODOO_API_KEY": "odoo_sandbox_key",
    "MAILCHIMP_API_KEY": "sandboxkey-us1",
    "MAILCHIMP_LIST_ID": "a1b2c3d4e5",
    "X_BEARER_TOKEN": "x_sandbox_token",
    "X_BRAND_USER_ID": "1000000000000000001",
}


# The demo's shop is on Shopify's enterprise tier (2,000 cost points/s, Shopify's
# published figure; the bucket holds 20 seconds of it, as the standard plan's 2,000
# does at 100/s). A standard-plan shop pages the same way at a twentieth of the
# speed: a first sync of thousands of orders takes minutes there.
SIMULATOR_OPTIONS = {"shop": {"restore_rate": 2000.0, "bucket_size": 40000.0}}


def simulator_env(base_urls: Mapping[str, str]) -> dict[str, str]:
    """Environment variables pointing every source at its simulator."""
    from connectors.settings import variable

    return {
        **SANDBOX_CREDENTIALS,
        **{variable(source, "base_url"): url for source, url in base_urls.items()},
    }


def world_clock(world: Path) -> str | None:
    """When the sandbox world was generated, as `YYYY-MM-DD HH:MM:SS` UTC.

    Its sources know nothing later, so customer metrics are computed as of then
    (`CDP_METRICS_AS_OF`, read by dbt's `customer_metrics`), not as of today: a
    world generated for 2025-06-01 would otherwise have every customer lapsed.
    """
    manifest = world / "manifest.json"
    if not manifest.exists():
        return None
    generated = json.loads(manifest.read_text(encoding="utf-8")).get("generated_at")
    if not generated:
        return None
    moment = datetime.fromisoformat(generated.replace("Z", "+00:00")).astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


@contextmanager
def simulator_environment(base_urls: Mapping[str, str],
                          extra: Mapping[str, str] | None = None) -> Iterator[None]:
    """Point every source's variables at simulators for the block, then restore them."""
    env = {**simulator_env(base_urls), **(extra or {})}
    previous = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def running_simulators(world: Path, options: Mapping[str, Mapping] | None = None,
                       ) -> Iterator[dict[str, SimulatorHandle]]:
    """Serve `world` on loopback for the duration of the block, with the env set;
    `options` per simulator (default `SIMULATOR_OPTIONS`)."""
    from sandbox.simulators import start_all

    handles = start_all(world, **(SIMULATOR_OPTIONS if options is None else options))
    try:
        clock = world_clock(world)
        with simulator_environment({s: h.base_url for s, h in handles.items()},
                                   {"CDP_METRICS_AS_OF": clock} if clock else None):
            yield handles
    finally:
        for handle in handles.values():
            handle.stop()
