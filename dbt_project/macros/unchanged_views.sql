{#-
    On DuckDB a view is re-created only when its compiled SQL changed.

    Every scheduled build used to drop and re-create every view (staging, the
    intermediate unions and `bi`) although their SQL rarely changes: catalog writes and
    a commit each, before any row moved. DuckDB binds a view's query when the view is
    read, not when it is created (a column added to the table below shows through an
    unchanged view), so a view whose SQL is the same as at its last creation needs
    nothing. The fingerprint (an md5 of the compiled SQL, which names every relation it
    reads and every optional column found, macros/optional_column.sql) is kept in
    `dbt_meta.view_fingerprints`; a view whose relation is missing, whose fingerprint
    differs or is unknown, or a `--full-refresh`, takes dbt's own view materialization.
    An unchanged view still runs its hooks (the staging views log the newest load they
    cover) and, when it has an enforced contract, the contract check.

    PostgreSQL expands `select *` when a view is created and drops dependent views with
    a table swapped under them, so there every view is re-created, as dbt does.
-#}

{% macro view_fingerprints_relation() -%}
    {{ adapter.quote('dbt_meta') }}.{{ adapter.quote('view_fingerprints') }}
{%- endmacro %}

{#- on-run-start: the fingerprint of each view's SQL at its last creation (DuckDB only). -#}
{% macro create_view_fingerprints_log() -%}
    {%- if target.type == 'duckdb' -%}
    create schema if not exists {{ adapter.quote('dbt_meta') }};
    create table if not exists {{ view_fingerprints_relation() }} (
        relation {{ dbt.type_string() }} not null,
        fingerprint {{ dbt.type_string() }} not null,
        created_at {{ dbt.type_timestamp() }} not null
    )
    {%- endif -%}
{%- endmacro %}

{#- The fingerprint recorded for the view `relation` (schema.name), or none. -#}
{% macro recorded_view_fingerprint(relation) -%}
    {%- set query -%}
        select max(fingerprint) from {{ view_fingerprints_relation() }}
        where relation = '{{ relation }}'
    {%- endset -%}
    {{ return(run_query(query).columns[0].values()[0]) }}
{%- endmacro %}

{% materialization view, adapter='duckdb' %}
    {%- set target_relation = this.incorporate(type='view') -%}
    {#- by schema and name: a warehouse file copied under another name keeps its log -#}
    {%- set logged_name = this.schema ~ '.' ~ this.identifier -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {#- the version tag makes a change of this materialization re-create every view -#}
    {%- set fingerprint = local_md5('unchanged_views v1\n' ~ sql) -%}
    {%- set unchanged = existing_relation is not none and existing_relation.is_view
                        and not should_full_refresh()
                        and recorded_view_fingerprint(logged_name) == fingerprint -%}

    {%- if unchanged -%}
        {%- if config.get('contract').enforced -%}
            {%- do get_assert_columns_equivalent(sql) -%}
        {%- endif -%}
        {{ run_hooks(pre_hooks, inside_transaction=False) }}
        {{ run_hooks(pre_hooks, inside_transaction=True) }}
        {%- call statement('main') -%}
            select '{{ fingerprint }}' as unchanged_view_fingerprint
        {%- endcall -%}
        {{ run_hooks(post_hooks, inside_transaction=True) }}
        {{ adapter.commit() }}
        {{ run_hooks(post_hooks, inside_transaction=False) }}
        {{ return({'relations': [target_relation]}) }}
    {%- endif -%}

    {%- set built = dbt.materialization_view_default() -%}
    {%- call statement('record_view_fingerprint') -%}
        delete from {{ view_fingerprints_relation() }} where relation = '{{ logged_name }}';
        insert into {{ view_fingerprints_relation() }} (relation, fingerprint, created_at)
        values ('{{ logged_name }}', '{{ fingerprint }}', {{ dbt.current_timestamp() }});
    {%- endcall -%}
    {{ adapter.commit() }}
    {{ return(built) }}
{% endmaterialization %}
