{#-
    Data tests of an incremental fact check the rows its builds took in since the
    last build whose tests passed, not the million rows tested before.

    An incremental fact selects its rows by two watermarks (`last_build_max`): loaded
    after the newest load it held, or re-resolved by identity after the newest
    resolution it held. Its pre-hook `record_incremental_build()` logs those
    watermarks in `dbt_meta.incremental_builds`, one row per build with dbt's
    invocation id, and the on-run-end hook `record_incremental_build_tests(results)`
    marks whether every test of the model passed (a warning counts as passed: the
    build that took the rows in reports it). When a test of that model compiles in
    the same invocation (a `dbt build`), `get_where_subquery` narrows the tested
    relation to the rows past the watermarks of the first build after the last one
    that passed, so rows whose tests failed are tested again until they pass.

    Every other case tests every row: a full refresh, `dbt test` on its own (another
    invocation), a model without a passed build logged, a model that logs nothing.
    Keys stay unique across the table because delete+insert replaces the rows of
    every key it writes; a golden id merged away re-resolves the rows that pointed at
    it, so they are tested again. `dbt test` checks every row (the daily
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
        full_build boolean not null,
        loaded_after {{ dbt.type_timestamp() }} not null,
        resolved_after {{ dbt.type_timestamp() }} not null,
        tests_passed boolean
    )
{%- endmacro %}

{#- A pre-hook of an incremental fact with `loaded_at` and `identity_resolved_at`. -#}
{% macro record_incremental_build() -%}
    insert into {{ incremental_builds_relation() }}
        (model, invocation_id, recorded_at, full_build, loaded_after, resolved_after)
    values (
        '{{ this.identifier }}',
        '{{ invocation_id }}',
        {{ dbt.current_timestamp() }},
        {{ 'false' if is_incremental() else 'true' }},
        {{ last_build_max('loaded_at') }},
        {{ last_build_max('identity_resolved_at') }}
    )
{%- endmacro %}

{#- on-run-end: whether every test of each logged model passed in this invocation. -#}
{% macro record_incremental_build_tests(results) -%}
    {%- set verdicts = {} -%}
    {%- for result in results if result.node.resource_type == 'test'
                                and result.node.attached_node -%}
        {%- set model = result.node.attached_node.split('.')[-1] -%}
        {%- set passed = result.status in ['pass', 'warn'] -%}
        {%- do verdicts.update({model: verdicts.get(model, true) and passed}) -%}
    {%- endfor -%}
    {%- for model, passed in verdicts.items() -%}
    update {{ incremental_builds_relation() }}
    set tests_passed = {{ 'true' if passed else 'false' }}
    where model = '{{ model }}' and invocation_id = '{{ invocation_id }}';
    {% endfor -%}
{%- endmacro %}

{#- The watermarks to test `model` from in this invocation, or none for every row. -#}
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
        select
            min(loaded_after),
            min(resolved_after),
            sum(case when invocation_id = '{{ invocation_id }}' then 1 else 0 end),
            sum(case when full_build then 1 else 0 end)
        from {{ log }}
        where model = '{{ model }}'
            and recorded_at > (
                select max(recorded_at) from {{ log }}
                where model = '{{ model }}' and tests_passed
            )
    {%- endset -%}
    {%- set row = run_query(query).rows[0] -%}
    {#- narrowed only when this invocation built it incrementally after a passed build -#}
    {%- if not row[2] or row[3] -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(row) }}
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
                or loaded_at is null
                or identity_resolved_at is null
        ) dbt_build_scope
    {%- endset -%}
    {{ return(narrowed) }}
{%- endmacro %}
