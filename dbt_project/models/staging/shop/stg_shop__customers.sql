with

source as (

    select * from {{ pipeline_source('raw_shop', 'customers', [
        'id',
        'email',
        'phone',
        'first_name',
        'last_name',
        'state',
        'verified_email',
        'created_at',
        'updated_at',
        'number_of_orders',
        'amount_spent__amount',
        'amount_spent__currency_code',
        'default_address__address1',
        'default_address__address2',
        'default_address__city',
        'default_address__country_code_v2',
        'default_address__phone',
        'default_address__province',
        'default_address__zip',
        'email_marketing_consent__consent_updated_at',
        'email_marketing_consent__marketing_opt_in_level',
        'email_marketing_consent__marketing_state',
        'sms_marketing_consent__consent_updated_at',
        'sms_marketing_consent__marketing_opt_in_level',
        'sms_marketing_consent__marketing_state',
        '_dlt_load_id',
    ]) }}

),

renamed as (

    select
        {{ clean_text('id') }} as customer_id,
        {{ shopify_gid_number('id') }} as customer_number,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('email') }} as email,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('state') }} as account_state,
        cast(verified_email as boolean) as is_email_verified,
        cast(number_of_orders as {{ dbt.type_bigint() }}) as number_of_orders,
        {{ to_amount('amount_spent__amount') }} as amount_spent,
        {{ clean_text('amount_spent__currency_code') }} as amount_spent_currency_code,
        {{ clean_text('default_address__address1') }} as street,
        {{ clean_text('default_address__address2') }} as street2,
        {{ clean_text('default_address__city') }} as city,
        {{ clean_text('default_address__province') }} as province,
        {{ clean_text('default_address__zip') }} as postcode,
        upper({{ clean_text('default_address__country_code_v2') }}) as country_code,
        {{ clean_text('default_address__phone') }} as address_phone,
        upper({{ clean_text('email_marketing_consent__marketing_state') }})
            as email_marketing_state,
        upper({{ clean_text('email_marketing_consent__marketing_opt_in_level') }})
            as email_marketing_opt_in_level,
        {{ to_utc_timestamp('email_marketing_consent__consent_updated_at') }}
            as email_consent_updated_at,
        upper({{ clean_text('sms_marketing_consent__marketing_state') }}) as sms_marketing_state,
        upper({{ clean_text('sms_marketing_consent__marketing_opt_in_level') }})
            as sms_marketing_opt_in_level,
        {{ to_utc_timestamp('sms_marketing_consent__consent_updated_at') }}
            as sms_consent_updated_at,
        {{ to_utc_timestamp('created_at') }} as created_at,
        {{ to_utc_timestamp('updated_at') }} as updated_at,
        -- Shopify returns no deleted customers and has no archive flag: every loaded row is live.
        true as is_active,
        {{ as_text('_dlt_load_id') }} as dlt_load_id

    from source

)

select * from renamed
