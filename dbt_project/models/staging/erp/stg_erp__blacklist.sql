with

source as (

    select * from {{ source_or_empty('raw_erp', 'blacklist', [
        'id',
        'email',
        'active',
        'create_date',
        'write_date',
        '_dlt_load_id',
    ]) }}

),

renamed as (

    select
        cast(id as {{ dbt.type_bigint() }}) as blacklist_id,
        {{ clean_text('email') }} as email,
        {{ normalize_email('email') }} as email_normalized,
        coalesce(cast(active as boolean), true) as is_active,
        {{ to_utc_timestamp('create_date') }} as created_at,
        {{ to_utc_timestamp('write_date') }} as updated_at,
        {{ as_text('_dlt_load_id') }} as dlt_load_id

    from source

)

select * from renamed
