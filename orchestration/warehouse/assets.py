"""dbt models as Dagster assets, in two runs around the Python identity step.

Models tagged `pre_identity` (staging of the raw sources and the unified
source-record model) must build before identity resolution reads them; every
other model reads identity's output. Two `dbt_assets` definitions keep the
graph acyclic at the op level while dbt tests still surface as asset checks.
"""


from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.warehouse.invocations import adopt_partial_parse, prune_invocations
from orchestration.warehouse.project import dbt_project
from orchestration.warehouse.translator import WarehouseTranslator

PRE_IDENTITY = "tag:pre_identity"
# dbt tests on the identity staging views that repeat a blocking check Dagster runs on
# the identity tables before the build after identity may start (each source record
# mapped once, to a golden id that exists; golden ids unique and not null): the
# pipeline does not run them twice. They sat at the head of that build, holding every
# mart back for a second at a million customers. `dbt build` on its own runs them.
GATED_BY_IDENTITY_CHECKS = "tag:gated_by_identity_checks"
AFTER_IDENTITY_EXCLUDE = f"{PRE_IDENTITY} {GATED_BY_IDENTITY_CHECKS}"
# dbt unit tests check the SQL logic on crafted rows, not the data: they run with the
# test suite (`make test` builds the project whole), not on every scheduled build,
# where at a million customers they would add a second to each run for nothing new.
BUILD = ["build", "--exclude-resource-type", "unit_test"]


def build(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """`dbt build` of the asset's selection, streamed as Dagster events; afterwards its
    parse state becomes the project's (the next invocation parses only what changed)
    and old invocation directories go (orchestration/warehouse/invocations.py)."""
    invocation = dbt.cli(BUILD, context=context)
    yield from invocation.stream()
    project_target = Path(dbt_project.project_dir) / dbt_project.target_path
    if adopt_partial_parse(invocation.target_path, project_target):
        context.log.info("dbt's parse state for this profile is now the project's")
    prune_invocations(project_target, (dbt_before_identity.op.name,
                                       dbt_after_identity.op.name))


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=PRE_IDENTITY,
    name="dbt_before_identity",
    dagster_dbt_translator=WarehouseTranslator(),
    pool="warehouse",
)
def dbt_before_identity(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    yield from build(context, dbt)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    exclude=AFTER_IDENTITY_EXCLUDE,
    name="dbt_after_identity",
    dagster_dbt_translator=WarehouseTranslator(),
    pool="warehouse",
)
def dbt_after_identity(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    yield from build(context, dbt)


warehouse_assets = [dbt_before_identity, dbt_after_identity]
