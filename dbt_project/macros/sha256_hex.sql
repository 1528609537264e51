{#-
    Lower-case hex SHA-256 of a text expression's UTF-8 bytes: the form ad platforms'
    customer-match uploads take for a normalised email, and a join key that does not
    reveal the address.
-#}
{% macro sha256_hex(expression) -%}
    {{ return(adapter.dispatch('sha256_hex', 'cdpkit')(expression)) }}
{%- endmacro %}

{% macro default__sha256_hex(expression) -%}
    encode(sha256(convert_to({{ expression }}, 'UTF8')), 'hex')
{%- endmacro %}

{% macro duckdb__sha256_hex(expression) -%}
    sha256({{ expression }})
{%- endmacro %}
