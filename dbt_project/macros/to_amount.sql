{#- A money amount as numeric(18,2) from a decimal string ("12.50") or a number. -#}
{% macro to_amount(column) -%}
    cast(nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '') as numeric(18, 2))
{%- endmacro %}
