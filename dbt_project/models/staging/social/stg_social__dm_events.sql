with

source as (

    select * from {{ source_or_empty('raw_social', 'dm_events', [
        'id',
        'event_type',
        'sender_id',
        'dm_conversation_id',
        'text',
        'created_at',
        '_dlt_load_id',
    ]) }}

),

renamed as (

    select
        {{ clean_text('id') }} as dm_event_id,
        {{ clean_text('event_type') }} as event_type,
        {{ clean_text('sender_id') }} as sender_user_id,
        {{ clean_text('dm_conversation_id') }} as dm_conversation_id,
        cast(text as {{ dbt.type_string() }}) as message_text,
        {{ to_utc_timestamp('created_at') }} as created_at,
        {{ as_text('_dlt_load_id') }} as dlt_load_id

    from source

)

select * from renamed
