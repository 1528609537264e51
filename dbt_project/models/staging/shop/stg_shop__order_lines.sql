with

source as (

    select * from {{ source_or_empty('raw_shop', 'orders__line_items', [
        'id',
        '_dlt_parent_id',
        '_dlt_list_idx',
        'sku',
        'name',
        'quantity',
        'original_unit_price_set__shop_money__amount',
        'original_unit_price_set__shop_money__currency_code',
    ]) }}

),

renamed as (

    select
        {{ clean_text('id') }} as order_line_id,
        {{ clean_text('_dlt_parent_id') }} as order_dlt_id,
        cast(_dlt_list_idx as {{ dbt.type_bigint() }}) as line_position,
        {{ clean_text('sku') }} as sku,
        {{ clean_text('name') }} as product_name,
        cast(quantity as {{ dbt.type_bigint() }}) as quantity,
        {{ to_amount('original_unit_price_set__shop_money__amount') }} as unit_price,
        upper({{ clean_text('original_unit_price_set__shop_money__currency_code') }})
            as unit_price_currency_code

    from source

)

select * from renamed
