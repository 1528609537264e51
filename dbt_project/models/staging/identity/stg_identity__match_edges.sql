with

source as (

    select * from {{ source('identity', 'match_edges') }}

),

renamed as (

    select
        lower({{ clean_text('left_source') }}) as left_source,
        {{ clean_text('left_source_id') }} as left_source_id,
        lower({{ clean_text('right_source') }}) as right_source,
        {{ clean_text('right_source_id') }} as right_source_id,
        {{ clean_text('rule') }} as match_rule,
        {{ clean_text('key') }} as match_key

    from source

)

select * from renamed
