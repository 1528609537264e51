{#-
    The touchpoint columns that `int_touchpoints_unioned` and `fct_touchpoints` (its
    orders) both derive, so the two agree.

    `touchpoint_key`: a touchpoint's primary key, an md5 of its source, type, source
    object and the person's source record, and for email activity the second it
    happened (Mailchimp keys an event by campaign, member, action and time).

    `touchpoint_channel`: the channel of its source system.

    Arguments are SQL expressions.
-#}
{% macro touchpoint_key(source, touchpoint_type, reference_id, source_record_id,
                        occurred_at) -%}
    {{ dbt.hash(dbt.concat([
        source, "'|'", touchpoint_type, "'|'", reference_id, "'|'",
        "coalesce(" ~ source_record_id ~ ", '')", "'|'",
        "case when " ~ source ~ " = 'email' then cast("
        ~ dbt.datediff("cast('1970-01-01' as " ~ dbt.type_timestamp() ~ ")",
                       occurred_at, "second")
        ~ " as " ~ dbt.type_string() ~ ") else '' end",
    ])) }}
{%- endmacro %}

{#- Where the customer met the brand, by the touchpoint's source system: the shop is
    the online store, the ERP direct sales; email and social are their own channels. -#}
{% macro touchpoint_channel(source) -%}
    case {{ source }}
        when 'shop' then 'online_store'
        when 'erp' then 'direct_sales'
        else {{ source }}
    end
{%- endmacro %}
