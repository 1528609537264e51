{#-
    When dlt loaded a row, as a naive UTC timestamp: its `_dlt_load_id` is the load's
    start in epoch seconds ("1732363245.123456"). Incremental models take the rows
    loaded since their last build by it, so it is computed from the number directly
    (not through text and a time zone, as `to_utc_timestamp` must for vendor values):
    on DuckDB that is a third of the cost per row.
-#}
{% macro dlt_loaded_at(column) -%}
    {{ return(adapter.dispatch('dlt_loaded_at', 'cdpkit')(column)) }}
{%- endmacro %}

{% macro default__dlt_loaded_at(column) -%}
    cast(
        to_timestamp(cast({{ column }} as double precision)) at time zone 'UTC'
        as {{ dbt.type_timestamp() }}
    )
{%- endmacro %}

{% macro duckdb__dlt_loaded_at(column) -%}
    make_timestamp(cast(cast({{ column }} as double precision) * 1000000 as bigint))
{%- endmacro %}
