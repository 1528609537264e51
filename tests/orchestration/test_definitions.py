"""The code location's shape: keys, groups, checks and how resources get secrets."""

from __future__ import annotations

import pytest
from dagster import AssetKey, EnvVar

from orchestration.definitions import build_resources, defs

STREAMS = {
    "raw_shop": {"customers", "orders", "deletions"},
    "raw_erp": {"partners", "sale_orders", "sale_order_lines", "invoices", "blacklist",
                "deletions"},
    "raw_email": {"members", "campaigns", "email_activity"},
    "raw_social": {"users", "tweets", "dm_events"},
}


@pytest.fixture(scope="module")
def graph():
    return defs.resolve_asset_graph()


def test_one_asset_per_source_stream_in_the_sources_group(graph):
    for prefix, streams in STREAMS.items():
        keys = {k.path[-1] for k in graph.get_all_asset_keys()
                if k.path[0] == prefix and graph.get(k).is_materializable}
        assert keys == streams
        assert {graph.get(AssetKey([prefix, s])).group_name for s in streams} == {"sources"}


def test_five_groups_one_per_layer_each_with_owners_and_kinds(graph):
    from orchestration.groups import GROUPS, OWNERS

    nodes = [graph.get(k) for k in graph.get_all_asset_keys() if graph.get(k).is_materializable]
    assert {n.group_name for n in nodes} == set(GROUPS)
    for node in nodes:
        assert list(node.owners) == OWNERS[node.group_name], node.key
        assert node.kinds, f"{node.key} has no kinds"
        assert node.description, f"{node.key} has no description"


def test_schedules_sensors_and_retries():
    from orchestration.schedules import RECONCILE_TAG

    schedules = {s.name: s for s in defs.schedules}
    assert schedules["cdp_pipeline_hourly"].cron_schedule == "0 * * * *"
    assert schedules["reconcile_deletions_daily"].tags[RECONCILE_TAG] == "full"
    assert "retention_schedule" in schedules
    assert {"file_drops_sensor", "erasure_requests_sensor"} <= {s.name for s in defs.sensors}
    job = defs.resolve_job_def("cdp_pipeline")
    assert job.tags["dagster/max_retries"] == "2"


def test_every_raw_table_of_an_api_source_has_a_freshness_policy(graph):
    for prefix, streams in STREAMS.items():
        for stream in streams:
            policy = graph.get(AssetKey([prefix, stream])).freshness_policy
            assert policy.warn_window.to_timedelta().total_seconds() == 2 * 3600
            assert policy.fail_window.to_timedelta().total_seconds() == 6 * 3600
    assert graph.get(AssetKey(["raw_files", "crm_contacts"])).freshness_policy is None


def test_dbt_models_sit_downstream_of_the_streams_they_read(graph):
    customers = graph.get(AssetKey(["staging", "stg_shop__customers"]))
    assert AssetKey(["raw_shop", "customers"]) in customers.parent_keys
    lines = graph.get(AssetKey(["staging", "stg_shop__order_lines"]))
    assert AssetKey(["raw_shop", "orders"]) in lines.parent_keys
    erp_lines = graph.get(AssetKey(["staging", "stg_erp__sale_order_lines"]))
    assert AssetKey(["raw_erp", "sale_order_lines"]) in erp_lines.parent_keys


def test_identity_runs_between_the_two_dbt_stages(graph):
    crosswalk = graph.get(AssetKey(["identity", "crosswalk"]))
    assert AssetKey(["intermediate", "int_customer_records_unioned"]) in crosswalk.parent_keys
    staged = graph.get(AssetKey(["staging", "stg_identity__crosswalk"]))
    assert AssetKey(["identity", "crosswalk"]) in staged.parent_keys
    dim = AssetKey(["marts", "dim_customers"])
    assert dim in graph.get_all_asset_keys()
    assert graph.get(dim).group_name == "warehouse"


def test_quality_and_identity_checks_block_downstream_work(graph):
    checks = {(c.asset_key.to_user_string(), c.name): c for c in graph.asset_check_keys}
    assert ("marts/dim_customers", "gx_dim_customers_suite") in checks
    assert ("identity/crosswalk", "crosswalk_is_complete_and_consistent") in checks
    specs = {(s.asset_key.to_user_string(), s.name): s
             for a in defs.asset_checks or [] for s in a.check_specs}
    assert specs[("marts/dim_customers", "gx_dim_customers_suite")].blocking
    assert specs[("identity/crosswalk", "crosswalk_is_complete_and_consistent")].blocking


def test_dbt_tests_surface_as_asset_checks(graph):
    on_dim = {c.name for c in graph.asset_check_keys
              if c.asset_key == AssetKey(["marts", "dim_customers"])}
    assert any(name.startswith("unique_dim_customers_golden_id") for name in on_dim)


def test_every_secret_is_an_environment_variable_not_a_value():
    resources = build_resources()
    secrets = {
        "shop_api": ["access_token"], "erp_api": ["api_key"],
        "email_api": ["api_key"], "social_api": ["bearer_token"],
    }
    for key, fields in secrets.items():
        for field in fields:
            value = getattr(resources[key], field)
            assert isinstance(value, EnvVar), f"{key}.{field} must come from the environment"


def test_resources_read_the_variables_the_cli_reads():
    from connectors.settings import SOURCE_ENV

    resources = build_resources()
    # file drops have no API and no secret: a folder, read as a plain setting
    keys = {"files": "file_drops"}
    for source, args in SOURCE_ENV.items():
        resource = resources[keys.get(source, f"{source}_api")]
        used = {getattr(resource, field).env_var_name for field in type(resource).model_fields
                if isinstance(getattr(resource, field), EnvVar)}
        assert {a.variable for a in args if a.required} == used, source


def test_identity_view_tests_that_repeat_a_blocking_identity_check_stay_out(graph):
    """The crosswalk's uniqueness, its golden ids' presence and existence, and the golden
    ids' uniqueness are verified by blocking checks on the identity tables before dbt
    runs after identity; the pipeline does not run dbt's copies of them again."""
    on_views = {c.name for c in graph.asset_check_keys
                if c.asset_key.path[-1] in ("stg_identity__crosswalk",
                                            "stg_identity__golden_profiles")}
    assert not {name for name in on_views if name.startswith((
        "unique_combination_of_columns_stg_identity__crosswalk",
        "relationships_stg_identity__crosswalk_golden_id",
        "not_null_stg_identity__crosswalk_golden_id",
        "unique_stg_identity__golden_profiles_golden_id"))}
    # the tests no identity check repeats still run
    assert any(name.startswith("accepted_values_stg_identity__crosswalk_source")
               for name in on_views)
    assert any(name.startswith("not_null_stg_identity__golden_profiles_golden_id")
               for name in on_views)
    specs = {(s.asset_key.to_user_string(), s.name): s
             for a in defs.asset_checks or [] for s in a.check_specs}
    for key in (("identity/crosswalk", "crosswalk_is_complete_and_consistent"),
                ("identity/crosswalk", "gx_crosswalk_suite"),
                ("identity/golden_profiles", "gx_golden_profiles_suite")):
        assert specs[key].blocking, key
