{#-
    When dlt loaded a row, as a naive UTC timestamp: its `_dlt_load_id` is the load's
    start in epoch seconds ("1732363245.123456"). Incremental models take the rows
    loaded since their last build by it.
-#}
{% macro dlt_loaded_at(column) -%}
    {{ to_utc_timestamp("to_timestamp(cast(" ~ column ~ " as double precision))") }}
{%- endmacro %}
