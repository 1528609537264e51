{%- set raw_columns = relation_columns(source('raw_social', 'users')) -%}

with

source as (

    select * from {{ pipeline_source('raw_social', 'users', [
        'id',
        'name',
        'username',
        'created_at',
        '_dlt_load_id',
    ]) }}

),

renamed as (

    select
        {{ clean_text('id') }} as user_id,
        {{ clean_text('name') }} as display_name,
        {{ clean_text('username') }} as username,
        {{ clean_text(optional_column(raw_columns, 'description')) }} as description,
        {{ clean_text(optional_column(raw_columns, 'location')) }} as location,
        {{ clean_text(optional_column(raw_columns, 'url')) }} as profile_url,
        coalesce(cast({{ optional_column(raw_columns, 'verified') }} as boolean), false)
            as is_verified,
        cast(
            {{ optional_column(raw_columns, 'public_metrics__followers_count') }}
            as {{ dbt.type_bigint() }}
        ) as followers_count,
        {{ clean_text('id') }} = '{{ var("brand_x_user_id") }}' as is_brand_account,
        {{ to_utc_timestamp('created_at') }} as created_at,
        -- X has no deletion or archive flag on users: every loaded row is live.
        true as is_active,
        {{ as_text('_dlt_load_id') }} as dlt_load_id

    from source

)

select * from renamed
