with

source as (

    select * from {{ source_or_empty('raw_erp', 'sale_order_lines', [
        'id',
        'order_id',
        'order_id__name',
        'sequence',
        'product_id',
        'product_id__name',
        'name',
        'product_uom_qty',
        'price_unit',
        'price_subtotal',
        'price_total',
        'currency_id',
        'currency_id__name',
        'display_type',
        'create_date',
        'write_date',
        '_dlt_load_id',
    ]) }}

),

renamed as (

    select
        cast(id as {{ dbt.type_bigint() }}) as sale_order_line_id,
        cast(order_id as {{ dbt.type_bigint() }}) as sale_order_id,
        {{ clean_text('order_id__name') }} as sale_order_name,
        cast(sequence as {{ dbt.type_bigint() }}) as line_position,
        cast(product_id as {{ dbt.type_bigint() }}) as product_id,
        {{ clean_text('product_id__name') }} as product_display_name,
        {{ clean_text('name') }} as description,
        cast(product_uom_qty as numeric(18, 3)) as quantity,
        {{ to_amount('price_unit') }} as unit_price,
        {{ to_amount('price_subtotal') }} as subtotal_amount,
        {{ to_amount('price_total') }} as total_amount,
        cast(currency_id as {{ dbt.type_bigint() }}) as currency_id,
        upper({{ clean_text('currency_id__name') }}) as currency_code,
        lower({{ clean_text('display_type') }}) as display_type,
        {{ to_utc_timestamp('create_date') }} as created_at,
        {{ to_utc_timestamp('write_date') }} as updated_at,
        {{ as_text('_dlt_load_id') }} as dlt_load_id

    from source

),

-- A product's display name is "[default_code] name" when it has an internal reference.
parsed as (

    select
        *,
        product_display_name like '[%]%' as has_sku,
        {{ dbt.position("']'", 'product_display_name') }} as sku_end

    from renamed

),

final as (

    select
        sale_order_line_id,
        sale_order_id,
        sale_order_name,
        line_position,
        product_id,
        case
            when has_sku then nullif(trim(substr(product_display_name, 2, sku_end - 2)), '')
        end as sku,
        case
            when has_sku then nullif(trim(substr(product_display_name, sku_end + 1)), '')
            else product_display_name
        end as product_name,
        description,
        quantity,
        unit_price,
        subtotal_amount,
        total_amount,
        currency_id,
        currency_code,
        display_type,
        display_type is null as is_product_line,
        created_at,
        updated_at,
        dlt_load_id

    from parsed

)

select * from final
