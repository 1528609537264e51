{%- set raw_columns = relation_columns(source('raw_email', 'email_activity')) -%}

with

source as (

    select * from {{ source_or_empty('raw_email', 'email_activity', [
        'campaign_id',
        'email_id',
        'action',
        '"timestamp"',
        '_dlt_load_id',
    ]) }}

),

renamed as (

    select
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ clean_text('email_id') }} as member_id,
        {{ clean_text(optional_column(raw_columns, 'email_address')) }} as email,
        lower({{ clean_text('action') }}) as action,
        {{ to_utc_timestamp('"timestamp"') }} as occurred_at,
        {{ clean_text(optional_column(raw_columns, 'url')) }} as url,
        {{ clean_text(optional_column(raw_columns, 'ip')) }} as ip,
        {{ as_text('_dlt_load_id') }} as dlt_load_id

    from source

)

select * from renamed
