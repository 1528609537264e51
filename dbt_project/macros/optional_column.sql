{#-
    dlt only creates a column once it has seen a non-NULL value, so a vendor field that is
    empty in every record loaded so far (Odoo `street2`, a Mailchimp merge field, an X
    profile `url`) may be missing from the raw table. Staging reads such optional fields
    through `optional_column`, which yields NULL (and logs it) when the column is absent.
    Keys and required fields are read directly, so a real schema break still fails.

        {%- set raw_columns = relation_columns(source('raw_erp', 'partners')) -%}
        {{ clean_text(optional_column(raw_columns, 'street2')) }} as street2,
-#}
{% macro relation_columns(relation) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- do names.append(column.name | lower) -%}
    {%- endfor -%}
    {{ return({'relation': relation, 'names': names}) }}
{%- endmacro %}

{% macro optional_column(raw_columns, name) -%}
    {%- if raw_columns is none or name | lower in raw_columns['names'] -%}
        {{ name }}
    {%- else -%}
        {%- do log(raw_columns['relation'] ~ " has no column " ~ name ~ "; reading NULL", info=true) -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}
