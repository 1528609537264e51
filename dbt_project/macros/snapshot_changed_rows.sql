{#-
    A snapshot that compares only the rows its source rewrote since the last snapshot
    (snapshots/dim_customers_history.sql). The source stamps each row it writes with the
    build's time; after each snapshot a post-hook logs the newest stamp the source held,
    every row up to which was compared, in `dbt_meta.snapshot_comparisons`, and the next
    snapshot reads the rows stamped later. A snapshot that fails logs nothing (its hooks
    run in its transaction), so its rows are compared again by the next.
-#}

{% macro snapshot_comparisons_relation() -%}
    {{ adapter.quote('dbt_meta') }}.{{ adapter.quote('snapshot_comparisons') }}
{%- endmacro %}

{#- on-run-start: the log of what each snapshot compared through. -#}
{% macro create_snapshot_comparisons_log() -%}
    create schema if not exists {{ adapter.quote('dbt_meta') }};
    create table if not exists {{ snapshot_comparisons_relation() }} (
        snapshot {{ dbt.type_string() }} not null,
        invocation_id {{ dbt.type_string() }} not null,
        recorded_at {{ dbt.type_timestamp() }} not null,
        compared_through {{ dbt.type_timestamp() }}
    )
{%- endmacro %}

{#- The stamp the last snapshot compared through, or none: compare every row (no history
    yet, nothing logged, or a log from before this history). -#}
{% macro snapshot_compared_through() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set history = adapter.get_relation(database=this.database, schema=this.schema,
                                           identifier=this.identifier) -%}
    {%- set log = adapter.get_relation(database=this.database, schema='dbt_meta',
                                       identifier='snapshot_comparisons') -%}
    {%- if history is none or log is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set query -%}
        select max(compared_through) from {{ log }}
        where snapshot = '{{ this.identifier }}'
    {%- endset -%}
    {{ return(run_query(query).columns[0].values()[0]) }}
{%- endmacro %}

{#- A snapshot's post-hook: every row of `source` stamped up to now has been compared. -#}
{% macro record_snapshot_comparison(stamp, source) -%}
    insert into {{ snapshot_comparisons_relation() }}
        (snapshot, invocation_id, recorded_at, compared_through)
    select
        '{{ this.identifier }}',
        '{{ invocation_id }}',
        {{ utc_now() }},
        max({{ stamp }})
    from {{ source }}
{%- endmacro %}

{#- A snapshot's post-hook: close the current version of each `key` gone from `source`,
    at the snapshot's own time (what dbt's `hard_deletes: invalidate` does). -#}
{% macro close_gone_snapshot_versions(key, source) -%}
    update {{ this }}
    set dbt_valid_to = {{ snapshot_get_time() }}
    where dbt_valid_to is null
        and not exists (
            select 1 from {{ source }} as source
            where source.{{ key }} = {{ this }}.{{ key }}
        )
{%- endmacro %}
