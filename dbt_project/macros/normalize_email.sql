{#- The comparison key for an email address: trimmed and lower-cased (for joins only). -#}
{% macro normalize_email(column) -%}
    nullif(lower(trim(cast({{ column }} as {{ dbt.type_string() }}))), '')
{%- endmacro %}
