{#-
    The filter of an incremental fact: the rows that changed since its last build. A
    row changed when a load touched it after the newest load the table holds
    (`loaded_at`: dlt's load time, or its deletion in the source), or when the identity
    step re-resolved its person since (`identity_resolved_at`: a merge or a split moves
    it to another golden id). Scalar subqueries, so Postgres and DuckDB both plan it as
    two constants; on a first build (`is_incremental()` false) it is not used.

        where {{ changed_since_last_build('orders') }}
-#}
{% macro changed_since_last_build(alias, loaded_at='loaded_at',
                                  resolved_at='identity_resolved_at') -%}
    {%- set epoch = "cast('1900-01-01' as " ~ dbt.type_timestamp() ~ ")" -%}
    (
        {{ alias }}.{{ loaded_at }} > coalesce(
            (select max({{ loaded_at }}) from {{ this }}), {{ epoch }})
        or {{ alias }}.{{ resolved_at }} > coalesce(
            (select max({{ resolved_at }}) from {{ this }}), {{ epoch }})
    )
{%- endmacro %}
