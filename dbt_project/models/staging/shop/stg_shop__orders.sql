with

source as (

    select * from {{ pipeline_source('raw_shop', 'orders', [
        'id',
        'name',
        'email',
        'phone',
        'created_at',
        'updated_at',
        'processed_at',
        'cancelled_at',
        'display_financial_status',
        'display_fulfillment_status',
        'currency_code',
        'total_price_set__shop_money__amount',
        'total_price_set__shop_money__currency_code',
        'customer__id',
        '_dlt_load_id',
        '_dlt_id',
    ]) }}

),

renamed as (

    select
        {{ clean_text('id') }} as order_id,
        {{ shopify_gid_number('id') }} as order_number,
        {{ clean_text('name') }} as order_name,
        {{ clean_text('customer__id') }} as customer_id,
        {{ shopify_gid_number('customer__id') }} as customer_number,
        {{ clean_text('email') }} as email,
        {{ clean_text('phone') }} as phone,
        upper({{ clean_text('display_financial_status') }}) as financial_status,
        upper({{ clean_text('display_fulfillment_status') }}) as fulfillment_status,
        upper({{ clean_text('currency_code') }}) as currency_code,
        {{ to_amount('total_price_set__shop_money__amount') }} as total_amount,
        upper({{ clean_text('total_price_set__shop_money__currency_code') }})
            as total_currency_code,
        {{ to_utc_timestamp('created_at') }} as created_at,
        {{ to_utc_timestamp('updated_at') }} as updated_at,
        {{ to_utc_timestamp('processed_at') }} as processed_at,
        {{ to_utc_timestamp('cancelled_at') }} as cancelled_at,
        cancelled_at is not null as is_cancelled,
        {{ clean_text('_dlt_id') }} as order_dlt_id,
        {{ as_text('_dlt_load_id') }} as dlt_load_id

    from source

)

select * from renamed
