{#- Trimmed text, with empty strings as NULL. -#}
{% macro clean_text(column) -%}
    nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '')
{%- endmacro %}
