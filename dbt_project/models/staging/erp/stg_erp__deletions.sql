with

source as (

    select * from {{ source_or_empty('raw_erp', 'deletions', [
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
        {{ to_utc_timestamp('detected_at') }} as deleted_detected_at

    from source

)

select * from renamed
