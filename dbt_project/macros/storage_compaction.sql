{#-
    When DuckDB compacts the tables a build writes.

    A checkpoint (every 16 MB of write-ahead log, and when dbt closes the warehouse)
    vacuums the tables that deleted rows and small appends left sparse: it merges their
    row groups, those of tables this process never wrote included (a checkpoint after
    one log row compacted every mart an earlier build had left: cdpkit/storage.py). An incremental build deletes and re-inserts a few thousand
    rows of every mart and appends them as a small row group, so each of its
    checkpoints rewrote a tail of up to a row group (122,880 rows) per table: at a
    million customers 2.1 s of checkpoints in an 11 s build after a 1% change, 0.84 s
    without the vacuum, paid again every hour for the same tail.

    So a DuckDB build defers that vacuum (`max_vacuum_tasks` 0): the deleted rows stay
    marked as deleted, and the appended row groups are kept as they are. A build that
    writes a table whose last compaction is more than `compact_storage_every_hours`
    (var, default 24) old, or has none logged, keeps DuckDB's vacuum instead: its
    checkpoints compact the warehouse's tables, whole. Every other cdpkit writer (dlt's
    loads, the Dagster resource, the CLI) defers the vacuum too, or it would pay this
    build's share at its own next checkpoint (cdpkit/storage.py), so the compacting
    build is the one that compacts the raw and identity tables as well. The models each invocation
    compacted are logged in `dbt_meta.storage_compactions`, so the pipeline's hourly
    builds compact once a day, each dbt invocation for the models it selects (the
    build before identity and the one after it each keep their own day). Var
    `compact_storage` true or false decides for one invocation. PostgreSQL vacuums on
    its own (autovacuum): nothing is set there.
-#}

{% macro storage_compactions_relation() -%}
    {{ adapter.quote('dbt_meta') }}.{{ adapter.quote('storage_compactions') }}
{%- endmacro %}

{#- on-run-start: the log of the invocations that compacted (DuckDB only). -#}
{% macro create_storage_compactions_log() -%}
    {%- if target.type != 'duckdb' -%}
    select 1
    {%- else -%}
    create schema if not exists {{ adapter.quote('dbt_meta') }};
    create table if not exists {{ storage_compactions_relation() }} (
        model {{ dbt.type_string() }} not null,
        invocation_id {{ dbt.type_string() }} not null,
        recorded_at {{ dbt.type_timestamp() }} not null
    )
    {%- endif -%}
{%- endmacro %}

{#- The names of the selected nodes that write a table (models that are not views or
    ephemeral, snapshots, seeds). -#}
{% macro selected_tables() -%}
    {%- set names = [] -%}
    {%- for unique_id in selected_resources -%}
        {%- set node = graph.nodes.get(unique_id) -%}
        {%- if node is not none and node.resource_type in ('model', 'snapshot', 'seed')
                and node.config.materialized not in ('view', 'ephemeral') -%}
            {%- do names.append(node.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names | sort) }}
{%- endmacro %}

{#- Whether this invocation compacts: var `compact_storage`, else whether one of its
    tables went without a compaction for `compact_storage_every_hours`. -#}
{% macro compacts_storage(tables) -%}
    {%- set forced = var('compact_storage', none) -%}
    {%- if forced is not none -%}
        {{ return(forced in (true, 'true', 'True', 1, '1')) }}
    {%- endif -%}
    {%- if not tables -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set query -%}
        select count(*) from (
            {%- for name in tables %}
            select '{{ name }}' as model{{ ' union all' if not loop.last }}
            {%- endfor %}
        ) as selected
        where model not in (
            select model from {{ storage_compactions_relation() }}
            where recorded_at > {{ dbt.current_timestamp() }}
                - interval '{{ var('compact_storage_every_hours', 24) | int }} hours'
        )
    {%- endset -%}
    {{ return(run_query(query).columns[0].values()[0] > 0) }}
{%- endmacro %}

{#- on-run-start, after the log exists: DuckDB's vacuum on or off for this invocation. -#}
{% macro set_storage_compaction() -%}
    {%- if target.type != 'duckdb' or not execute -%}
    select 1
    {%- else -%}
    {%- set tables = selected_tables() -%}
    {%- if compacts_storage(tables) -%}
    reset global max_vacuum_tasks;
    insert into {{ storage_compactions_relation() }} (model, invocation_id, recorded_at)
    values
    {%- for name in tables %}
        ('{{ name }}', '{{ invocation_id }}', {{ dbt.current_timestamp() }})
        {{- ',' if not loop.last }}
    {%- endfor %}
    {%- else -%}
    set global max_vacuum_tasks = 0
    {%- endif -%}
    {%- endif -%}
{%- endmacro %}
