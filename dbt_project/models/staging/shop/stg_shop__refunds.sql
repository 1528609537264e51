with

source as (

    select * from {{ source_or_empty('raw_shop', 'orders__refunds', [
        'order_id',
        'position',
        'id',
        'total_refunded_set__shop_money__amount',
        'total_refunded_set__shop_money__currency_code',
        'created_at',
        '_dlt_load_id',
    ]) }}

),

renamed as (

    select
        {{ clean_text('id') }} as refund_id,
        {{ clean_text('order_id') }} as order_id,
        cast(position as {{ dbt.type_bigint() }}) as refund_position,
        {{ to_amount('total_refunded_set__shop_money__amount') }} as refunded_amount,
        upper({{ clean_text('total_refunded_set__shop_money__currency_code') }})
            as refunded_currency_code,
        {{ to_utc_timestamp('created_at') }} as refunded_at,
        {{ as_text('_dlt_load_id') }} as dlt_load_id

    from source

)

select * from renamed
