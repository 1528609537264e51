{%- set raw_columns = relation_columns(source('raw_social', 'tweets')) -%}

with

source as (

    select * from {{ source_or_empty('raw_social', 'tweets', [
        'id',
        'author_id',
        'text',
        'created_at',
        '_dlt_load_id',
    ]) }}

),

renamed as (

    select
        {{ clean_text('id') }} as tweet_id,
        {{ clean_text('author_id') }} as author_user_id,
        {{ clean_text(optional_column(raw_columns, 'conversation_id')) }} as conversation_id,
        {{ clean_text(optional_column(raw_columns, 'in_reply_to_user_id')) }}
            as in_reply_to_user_id,
        {{ optional_column(raw_columns, 'in_reply_to_user_id') }} is not null as is_reply,
        cast(text as {{ dbt.type_string() }}) as tweet_text,
        {{ clean_text(optional_column(raw_columns, 'lang')) }} as lang,
        {{ to_utc_timestamp('created_at') }} as created_at,
        {{ as_text('_dlt_load_id') }} as dlt_load_id

    from source

)

select * from renamed
