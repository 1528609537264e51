{#- Trimmed text, with empty strings as NULL. -#}
{% macro clean_text(column) -%}
    nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '')
{%- endmacro %}

{#- Text as it is. For the identity step's own tables: their values were cleaned by the
    staging models identity read, and their ids it generated, so trimming them again
    would only cost a pass over every row of each read (1 s per million profiles). -#}
{% macro as_text(column) -%}
    cast({{ column }} as {{ dbt.type_string() }})
{%- endmacro %}
