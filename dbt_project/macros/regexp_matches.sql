{#- True when `expression` matches the regular expression `pattern` (a SQL string literal). -#}
{% macro regexp_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_matches', 'cdpkit')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_matches(expression, pattern) -%}
    ({{ expression }} ~ {{ pattern }})
{%- endmacro %}

{% macro duckdb__regexp_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, {{ pattern }})
{%- endmacro %}
