with

source as (

    select * from {{ source('identity', 'crosswalk') }}

),

renamed as (

    select
        {{ as_text('source') }} as source,
        {{ as_text('source_id') }} as source_id,
        {{ as_text('golden_id') }} as golden_id,
        {{ as_text('matched_by') }} as matched_by,
        {{ to_utc_timestamp('resolved_at') }} as resolved_at

    from source

)

select * from renamed
