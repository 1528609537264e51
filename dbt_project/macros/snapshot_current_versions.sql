{#-
    dbt's snapshot staging query with the history's current versions narrowed to the
    keys the snapshot query returns.

    dbt compares the snapshot query's rows with `snapshotted_data`, every current
    version in the history, which the query reads twice (for insertions and for
    updates), so DuckDB and PostgreSQL materialise it whole: at a million customers a
    copy of a million wide rows, for the few thousand that `dim_customers_history`'s
    query returns (macros/snapshot_changed_rows.sql). Only the versions of those keys
    can be compared, so the history is read for them alone.

    Only with `hard_deletes: ignore` (a key absent from the query is left as it is):
    `invalidate` and `new_record` look for current versions whose key the query left
    out, so they keep dbt's own staging query, as does a compound `unique_key`.
-#}

{% macro duckdb__snapshot_staging_table(strategy, source_sql, target_relation) -%}
    {{ return(snapshot_staging_of_queried_keys(strategy, source_sql, target_relation)) }}
{%- endmacro %}

{% macro postgres__snapshot_staging_table(strategy, source_sql, target_relation) -%}
    {{ return(snapshot_staging_of_queried_keys(strategy, source_sql, target_relation)) }}
{%- endmacro %}

{% macro snapshot_staging_of_queried_keys(strategy, source_sql, target_relation) -%}
    {%- set key = config.get('unique_key') -%}
    {%- if strategy.hard_deletes != 'ignore' or key is not string -%}
        {{ return(dbt.default__snapshot_staging_table(strategy, source_sql, target_relation)) }}
    {%- endif -%}
    {#- `snapshot_query` is the CTE dbt's staging query opens with, holding `source_sql`;
        dbt's query reads this where it reads the history (`from <relation>`), so it
        needs an alias: PostgreSQL refuses a subquery in FROM without one -#}
    {%- set current_versions_of_queried_keys -%}
        (
            select * from {{ target_relation }}
            where {{ key }} in (select {{ key }} from snapshot_query)
        ) as current_versions
    {%- endset -%}
    {{ return(dbt.default__snapshot_staging_table(strategy, source_sql,
                                                  current_versions_of_queried_keys)) }}
{%- endmacro %}
