{#-
    The staging of a source's `deletions` table (records deleted in the source,
    found by comparing id sets at each sync). Shopify and Odoo write the same
    shape, so both staging models are this one select.
-#}
{% macro staged_deletions(source_name) %}

with

source as (

    select * from {{ source_or_empty(source_name, 'deletions', [
        'stream',
        'id',
        'detected_at',
        '_dlt_load_id',
    ]) }}

),

renamed as (

    select
        {{ clean_text('stream') }} as stream,
        {{ clean_text('id') }} as source_id,
        {{ to_utc_timestamp('detected_at') }} as deleted_detected_at,
        {{ as_text('_dlt_load_id') }} as dlt_load_id

    from source

)

select * from renamed

{% endmacro %}
