{%- set raw_columns = relation_columns(source('raw_email', 'campaigns')) -%}

with

source as (

    select * from {{ source_or_empty('raw_email', 'campaigns', [
        'id',
        'type',
        'status',
        'create_time',
        '_dlt_load_id',
    ]) }}

),

renamed as (

    select
        {{ clean_text('id') }} as campaign_id,
        cast({{ optional_column(raw_columns, 'web_id') }} as {{ dbt.type_bigint() }})
            as campaign_web_id,
        lower({{ clean_text('type') }}) as campaign_type,
        lower({{ clean_text('status') }}) as campaign_status,
        {{ clean_text(optional_column(raw_columns, 'settings__subject_line')) }} as subject_line,
        {{ clean_text(optional_column(raw_columns, 'settings__title')) }} as title,
        {{ clean_text(optional_column(raw_columns, 'recipients__list_id')) }} as list_id,
        cast({{ optional_column(raw_columns, 'emails_sent') }} as {{ dbt.type_bigint() }})
            as emails_sent,
        {{ to_utc_timestamp('create_time') }} as created_at,
        {{ to_utc_timestamp(optional_column(raw_columns, 'send_time')) }} as sent_at,
        {{ as_text('_dlt_load_id') }} as dlt_load_id

    from source

)

select * from renamed
