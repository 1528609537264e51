{#-
    A touchpoint's primary key: an md5 of its source, type, source object and the
    person's source record, and for email activity the second it happened (Mailchimp
    keys an event by campaign, member, action and time). Arguments are SQL expressions.
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
