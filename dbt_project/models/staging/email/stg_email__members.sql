{%- set raw_columns = relation_columns(source('raw_email', 'members')) -%}

with

source as (

    select * from {{ pipeline_source('raw_email', 'members', [
        'id',
        'email_address',
        'list_id',
        'status',
        'last_changed',
        '_dlt_load_id',
    ]) }}

),

renamed as (

    select
        {{ clean_text('id') }} as member_id,
        {{ clean_text('email_address') }} as email,
        {{ normalize_email('email_address') }} as email_normalized,
        {{ clean_text(optional_column(raw_columns, 'unique_email_id')) }} as unique_email_id,
        {{ clean_text(optional_column(raw_columns, 'contact_id')) }} as contact_id,
        {{ clean_text('list_id') }} as list_id,
        {{ clean_text(optional_column(raw_columns, 'full_name')) }} as full_name,
        {{ clean_text(optional_column(raw_columns, 'merge_fields__fname')) }} as first_name,
        {{ clean_text(optional_column(raw_columns, 'merge_fields__lname')) }} as last_name,
        {{ clean_text(optional_column(raw_columns, 'merge_fields__phone')) }} as phone,
        {{ clean_text(optional_column(raw_columns, 'merge_fields__address__addr1')) }} as street,
        {{ clean_text(optional_column(raw_columns, 'merge_fields__address__city')) }} as city,
        {{ clean_text(optional_column(raw_columns, 'merge_fields__address__zip')) }} as postcode,
        upper({{ clean_text(optional_column(raw_columns, 'merge_fields__address__country')) }})
            as address_country,
        upper({{ clean_text(optional_column(raw_columns, 'location__country_code')) }})
            as location_country_code,
        lower({{ clean_text('status') }}) as member_status,
        lower({{ clean_text(optional_column(raw_columns, 'email_type')) }}) as email_type,
        {{ clean_text(optional_column(raw_columns, 'language')) }} as language,
        coalesce(cast({{ optional_column(raw_columns, 'vip') }} as boolean), false) as is_vip,
        {{ to_utc_timestamp(optional_column(raw_columns, 'timestamp_signup')) }} as signed_up_at,
        {{ to_utc_timestamp(optional_column(raw_columns, 'timestamp_opt')) }} as opted_in_at,
        {{ to_utc_timestamp('last_changed') }} as last_changed_at,
        lower({{ clean_text('status') }}) = 'archived' as is_archived,
        coalesce(lower({{ clean_text('status') }}) not in ('cleaned', 'archived'), true)
            as is_active,
        {{ as_text('_dlt_load_id') }} as dlt_load_id

    from source

)

select * from renamed
