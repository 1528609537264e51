{%- set raw_columns = relation_columns(source('raw_erp', 'partners')) -%}

with

source as (

    select * from {{ pipeline_source('raw_erp', 'partners', [
        'id',
        'name',
        'active',
        'country_id',
        'create_date',
        'is_company',
        'parent_id',
        'write_date',
        '_dlt_load_id',
    ]) }}

),

renamed as (

    select
        cast(id as {{ dbt.type_bigint() }}) as partner_id,
        {{ clean_text('name') }} as partner_name,
        coalesce(cast(is_company as boolean), false) as is_company,
        cast(parent_id as {{ dbt.type_bigint() }}) as parent_partner_id,
        {{ clean_text(optional_column(raw_columns, 'parent_id__name')) }} as parent_partner_name,
        {{ clean_text(optional_column(raw_columns, 'email')) }} as email,
        {{ clean_text(optional_column(raw_columns, 'phone')) }} as phone,
        {{ clean_text(optional_column(raw_columns, 'mobile')) }} as mobile,
        {{ clean_text(optional_column(raw_columns, 'street')) }} as street,
        {{ clean_text(optional_column(raw_columns, 'street2')) }} as street2,
        {{ clean_text(optional_column(raw_columns, 'city')) }} as city,
        {{ clean_text(optional_column(raw_columns, 'zip')) }} as postcode,
        cast(country_id as {{ dbt.type_bigint() }}) as country_id,
        {{ clean_text(optional_column(raw_columns, 'country_id__name')) }} as country_name,
        upper({{ clean_text(optional_column(raw_columns, 'country_code')) }}) as country_code,
        {{ clean_text(optional_column(raw_columns, 'ref')) }} as partner_ref,
        cast({{ optional_column(raw_columns, 'customer_rank') }} as {{ dbt.type_bigint() }})
            as customer_rank,
        coalesce(cast(active as boolean), true) as is_active,
        not coalesce(cast(active as boolean), true) as is_archived,
        {{ to_utc_timestamp('create_date') }} as created_at,
        {{ to_utc_timestamp('write_date') }} as updated_at,
        {{ as_text('_dlt_load_id') }} as dlt_load_id

    from source

)

select * from renamed
