{%- set attributes = [
    'first_name', 'last_name', 'email', 'phone',
    'street', 'city', 'postcode', 'country_code',
] -%}

with

source as (

    select * from {{ source('identity', 'golden_profiles') }}

),

renamed as (

    select
        {{ as_text('golden_id') }} as golden_id,
        {%- for attribute in attributes %}
        {{ as_text(attribute) }} as {{ attribute }},
        {{ as_text(attribute ~ '_source') }} as {{ attribute }}_source,
        {%- endfor %}
        {{ as_text('source_systems') }} as source_systems,
        cast(member_count as {{ dbt.type_bigint() }}) as member_count,
        {{ to_utc_timestamp('first_seen_at') }} as first_seen_at,
        {{ to_utc_timestamp('last_seen_at') }} as last_seen_at,
        {{ to_utc_timestamp('resolved_at') }} as resolved_at

    from source

)

select * from renamed
