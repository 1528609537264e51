{#-
    One row per order from the shop and the ERP, with the golden customer it belongs to.
    `is_revenue_order`: a shop order that is not cancelled, an ERP sale order in state
    sale or done, and in both cases not deleted in the source since. Refunds only exist
    in the shop. Amounts are taken as EUR (no FX).
-#}

with

shop_orders as (

    select * from {{ ref('stg_shop__orders') }}

),

shop_refunds as (

    select * from {{ ref('stg_shop__refunds') }}

),

erp_sale_orders as (

    select * from {{ ref('stg_erp__sale_orders') }}

),

shop_deletions as (

    select * from {{ ref('stg_shop__deletions') }}
    where stream = 'orders'

),

erp_deletions as (

    select * from {{ ref('stg_erp__deletions') }}
    where stream = 'sale_orders'

),

crosswalk as (

    select * from {{ ref('stg_identity__crosswalk') }}

),

refunds_per_order as (

    select
        order_id,
        sum(refunded_amount) as refunded_amount

    from shop_refunds
    group by order_id

),

shop_order_rows as (

    select
        'shop' as source,
        shop_orders.order_id,
        shop_orders.order_name,
        shop_orders.customer_id as source_customer_id,
        coalesce(shop_orders.processed_at, shop_orders.created_at) as ordered_at,
        case when shop_orders.is_cancelled then 'cancelled' else 'open' end as order_status,
        not shop_orders.is_cancelled and shop_deletions.source_id is null as is_revenue_order,
        coalesce(shop_orders.total_currency_code, shop_orders.currency_code) as currency_code,
        coalesce(shop_orders.total_amount, 0) as gross_amount,
        coalesce(refunds_per_order.refunded_amount, 0) as refunded_amount,
        -- what the warehouse last learned of the order: its latest load, or that it was
        -- deleted in the shop (greatest skips a NULL)
        greatest(
            {{ dlt_loaded_at('shop_orders.dlt_load_id') }},
            shop_deletions.deleted_detected_at
        ) as loaded_at,
        shop_orders.dlt_load_id

    from shop_orders
    left join refunds_per_order
        on shop_orders.order_id = refunds_per_order.order_id
    left join shop_deletions
        on shop_orders.order_id = shop_deletions.source_id

),

erp_order_rows as (

    select
        'erp' as source,
        cast(sale_order_id as {{ dbt.type_string() }}) as order_id,
        sale_order_name as order_name,
        cast(partner_id as {{ dbt.type_string() }}) as source_customer_id,
        ordered_at,
        state as order_status,
        erp_sale_orders.is_confirmed and erp_deletions.source_id is null as is_revenue_order,
        currency_code,
        coalesce(amount_total, 0) as gross_amount,
        cast(0 as numeric(18, 2)) as refunded_amount,
        greatest(
            {{ dlt_loaded_at('erp_sale_orders.dlt_load_id') }},
            erp_deletions.deleted_detected_at
        ) as loaded_at,
        erp_sale_orders.dlt_load_id

    from erp_sale_orders
    left join erp_deletions
        on cast(erp_sale_orders.sale_order_id as {{ dbt.type_string() }})
            = erp_deletions.source_id

),

orders as (

    select * from shop_order_rows
    union all
    select * from erp_order_rows

),

final as (

    select
        orders.source,
        orders.order_id,
        orders.order_name,
        orders.source_customer_id,
        crosswalk.golden_id,
        orders.ordered_at,
        orders.order_status,
        orders.is_revenue_order,
        orders.currency_code,
        orders.gross_amount,
        orders.refunded_amount,
        orders.gross_amount - orders.refunded_amount as net_amount,
        orders.loaded_at,
        orders.dlt_load_id,
        crosswalk.resolved_at as identity_resolved_at

    from orders
    left join crosswalk
        on orders.source = crosswalk.source
        and orders.source_customer_id = crosswalk.source_id

)

select * from final
