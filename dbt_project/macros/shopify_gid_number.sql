{#- The numeric tail of a Shopify GraphQL id: gid://shopify/Customer/123 -> 123. -#}
{% macro shopify_gid_number(column) -%}
    {{ dbt.safe_cast(
        "nullif(" ~ dbt.split_part(column, "'/'", -1) ~ ", '')",
        api.Column.translate_type("bigint")
    ) }}
{%- endmacro %}
