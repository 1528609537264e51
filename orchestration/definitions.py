"""The single entry point: every asset, check, resource and job of cdpkit.

Read top to bottom, this is the whole graph: four sources and a folder of file
drops loaded by dlt (a sensor watches the folder), dbt staging, identity
resolution, dbt marts, and the checks guarding them.
Credentials come from environment variables through resources (see README).
"""

from __future__ import annotations

from dagster import Definitions, EnvVar, in_process_executor
from dagster_dbt import DbtCliResource
from dagster_dlt import DagsterDltResource

from connectors.settings import optional_setting, variable
from orchestration.activation.assets import activation_assets
from orchestration.governance.erasure import (
    erasure,
    erasure_job,
    erasure_requests_on_time,
    erasure_requests_sensor,
)
from orchestration.governance.pii import governance_assets, governance_checks
from orchestration.governance.retention import (
    retention,
    retention_job,
    retention_schedule,
)
from orchestration.identity.assets import identity_assets
from orchestration.identity.checks import identity_checks
from orchestration.quality.checks import quality_checks
from orchestration.resources import (
    EmailResource,
    ErpResource,
    IdentityResource,
    RetentionResource,
    ShopResource,
    SocialResource,
    WarehouseResource,
)
from orchestration.schedules import pipeline_job, pipeline_schedules
from orchestration.settings import (
    drop_dir,
    identity_config,
    retention_rules_path,
    warehouse_path,
)
from orchestration.sources.assets import source_assets
from orchestration.sources.file_drops import (
    FileDropsResource,
    file_drop_assets,
    file_drops_sensor,
    load_file_drops,
)
from orchestration.warehouse.assets import warehouse_assets
from orchestration.warehouse.project import dbt_project


def build_resources() -> dict[str, object]:
    """Resources configured from the environment as it is now.

    Secrets stay `EnvVar`s, resolved only when a run starts; plain settings
    (paths, optional endpoints) are read here.
    """
    return {
        "warehouse": WarehouseResource(path=str(warehouse_path())),
        "identity": IdentityResource(config_path=identity_config()),
        "retention_rules": RetentionResource(rules_path=retention_rules_path()),
        "dlt": DagsterDltResource(),
        "dbt": DbtCliResource(project_dir=dbt_project, profiles_dir=str(dbt_project.project_dir)),
        "shop_api": ShopResource(
            shop_url=EnvVar(variable("shop", "base_url")),
            access_token=EnvVar(variable("shop", "access_token")),
            api_version=optional_setting("shop", "api_version", "2025-07"),
        ),
        "erp_api": ErpResource(
            url=EnvVar(variable("erp", "base_url")),
            database=EnvVar(variable("erp", "db")),
            login=EnvVar(variable("erp", "login")),
            api_key=EnvVar(variable("erp", "api_key")),
            transport=optional_setting("erp", "transport", "jsonrpc"),
        ),
        "email_api": EmailResource(
            api_key=EnvVar(variable("email", "api_key")),
            list_id=EnvVar(variable("email", "list_id")),
            # Optional: derived from the key's data centre when unset.
            base_url=optional_setting("email", "base_url"),
        ),
        "social_api": SocialResource(
            bearer_token=EnvVar(variable("social", "bearer_token")),
            brand_user_id=EnvVar(variable("social", "brand_user_id")),
            base_url=optional_setting("social", "base_url", "https://api.x.com/2"),
        ),
        "file_drops": FileDropsResource(
            drop_dir=str(drop_dir()), kinds_file=optional_setting("files", "kinds_file"),
        ),
    }


def build_defs() -> Definitions:
    """The code location; rebuilt by callers that change the environment (CLI, tests)."""
    cdp_pipeline = pipeline_job()
    return Definitions(
        assets=[*source_assets, *file_drop_assets, *warehouse_assets, *identity_assets,
                *governance_assets, *activation_assets, retention, erasure],
        asset_checks=[*identity_checks, *quality_checks, *governance_checks,
                      erasure_requests_on_time],
        jobs=[cdp_pipeline, load_file_drops, retention_job, erasure_job],
        schedules=[*pipeline_schedules(cdp_pipeline), retention_schedule],
        sensors=[file_drops_sensor, erasure_requests_sensor],
        resources=build_resources(),
        # One DuckDB file has one writer at a time: steps run one after another.
        executor=in_process_executor,
    )


defs = build_defs()
