with

source as (

    select * from {{ source_or_empty('raw_shop', 'orders__line_items', [
        'order_id',
        'position',
        'id',
        'sku',
        'name',
        'quantity',
        'original_unit_price_set__shop_money__amount',
        'original_unit_price_set__shop_money__currency_code',
        '_dlt_load_id',
    ]) }}

),

renamed as (

    select
        {{ clean_text('id') }} as order_line_id,
        {{ clean_text('order_id') }} as order_id,
        cast(position as {{ dbt.type_bigint() }}) as line_position,
        {{ clean_text('sku') }} as sku,
        {{ clean_text('name') }} as product_name,
        cast(quantity as {{ dbt.type_bigint() }}) as quantity,
        {{ to_amount('original_unit_price_set__shop_money__amount') }} as unit_price,
        upper({{ clean_text('original_unit_price_set__shop_money__currency_code') }})
            as unit_price_currency_code,
        {{ as_text('_dlt_load_id') }} as dlt_load_id

    from source

)

select * from renamed
