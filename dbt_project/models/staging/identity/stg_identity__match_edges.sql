with

source as (

    select * from {{ source('identity', 'match_edges') }}

),

renamed as (

    select
        {{ as_text('left_source') }} as left_source,
        {{ as_text('left_source_id') }} as left_source_id,
        {{ as_text('right_source') }} as right_source,
        {{ as_text('right_source_id') }} as right_source_id,
        {{ as_text('rule') }} as match_rule,
        {{ as_text('key') }} as match_key

    from source

)

select * from renamed
