{#- The build's clock in UTC, without a time zone (DuckDB and PostgreSQL alike): the same
    wall clock whatever the session's time zone, so stamps never go back an hour when
    a zone leaves daylight saving time. -#}
{% macro utc_now() -%}
    cast({{ dbt.current_timestamp() }} at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}
