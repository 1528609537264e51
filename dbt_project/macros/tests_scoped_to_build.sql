{#-
    Data tests of an incremental fact check the rows its build took in, not the million
    rows earlier builds took in and tested.

    An incremental fact selects its rows by two watermarks (`last_build_max`): loaded
    after the newest load it held, or re-resolved by identity after the newest
    resolution it held. Its pre-hook `record_incremental_build()` writes those
    watermarks to `dbt_meta.incremental_builds`, one row per build, with dbt's
    invocation id. When a test of that model compiles in the same invocation (a
    `dbt build`), `get_where_subquery` narrows the tested relation to the rows past
    either watermark, as constants that reach the table scan.

    Every other case tests every row: a full refresh (nothing recorded), `dbt test` on
    its own (another invocation), a model that records nothing. Keys stay unique
    across the whole table because delete+insert replaces the rows of every key it
    writes; a golden id merged away re-resolves the rows that pointed at it, so they
    are tested again. Run `dbt test` for a check of every row (the daily
    reconciliation does).
-#}

{% macro incremental_builds_relation() -%}
    {{ adapter.quote('dbt_meta') }}.{{ adapter.quote('incremental_builds') }}
{%- endmacro %}

{#- on-run-start: the log the pre-hooks append to. -#}
{% macro create_incremental_builds_log() -%}
    create schema if not exists {{ adapter.quote('dbt_meta') }};
    create table if not exists {{ incremental_builds_relation() }} (
        model {{ dbt.type_string() }} not null,
        invocation_id {{ dbt.type_string() }} not null,
        recorded_at {{ dbt.type_timestamp() }} not null,
        loaded_after {{ dbt.type_timestamp() }} not null,
        resolved_after {{ dbt.type_timestamp() }} not null
    )
{%- endmacro %}

{#- A pre-hook of an incremental fact with `loaded_at` and `identity_resolved_at`. -#}
{% macro record_incremental_build() -%}
    {%- if is_incremental() -%}
    insert into {{ incremental_builds_relation() }}
        (model, invocation_id, recorded_at, loaded_after, resolved_after)
    values (
        '{{ this.identifier }}',
        '{{ invocation_id }}',
        {{ dbt.current_timestamp() }},
        {{ last_build_max('loaded_at') }},
        {{ last_build_max('identity_resolved_at') }}
    )
    {%- endif -%}
{%- endmacro %}

{#- The watermarks `model` recorded in this invocation, or none. -#}
{% macro recorded_build_watermarks(model) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {#- none before the first build, or from commands that skip on-run-start (compile) -#}
    {%- set log = adapter.get_relation(database=target.database, schema='dbt_meta',
                                       identifier='incremental_builds') -%}
    {%- if log is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        select loaded_after, resolved_after
        from {{ incremental_builds_relation() }}
        where model = '{{ model }}' and invocation_id = '{{ invocation_id }}'
        order by recorded_at desc
        limit 1
    {%- endset -%}
    {%- set rows = run_query(query).rows -%}
    {{ return(rows[0] if rows | length else none) }}
{%- endmacro %}

{#- dbt's own, with the narrowing above; a test's `where` config still applies. -#}
{% macro get_where_subquery(relation) -%}
    {%- set tested = dbt.default__get_where_subquery(relation) -%}
    {%- set watermarks = recorded_build_watermarks(relation.identifier) -%}
    {%- if watermarks is none -%}
        {{ return(tested) }}
    {%- endif -%}
    {%- set narrowed -%}
        (
            select * from {{ tested }}
            where loaded_at > cast('{{ watermarks[0] }}' as {{ dbt.type_timestamp() }})
                or identity_resolved_at > cast('{{ watermarks[1] }}' as {{ dbt.type_timestamp() }})
        ) dbt_build_scope
    {%- endset -%}
    {{ return(narrowed) }}
{%- endmacro %}
