{#- One row per order from the shop and the ERP, in its own and the reporting currency. -#}

with

orders as (

    select * from {{ ref('int_orders_converted') }}

),

final as (

    select
        {{ dbt.concat(["orders.source", "':'", "orders.order_id"]) }} as order_key,
        orders.source,
        orders.order_id,
        orders.order_name,
        orders.golden_id,
        orders.source_customer_id,
        orders.ordered_at,
        orders.order_status,
        orders.is_revenue_order,
        orders.currency_code,
        cast(orders.gross_amount as numeric(18, 2)) as gross_amount,
        cast(orders.refunded_amount as numeric(18, 2)) as refunded_amount,
        cast(orders.net_amount as numeric(18, 2)) as net_amount,
        orders.reporting_currency_code,
        cast(orders.fx_rate as numeric(18, 8)) as fx_rate,
        orders.has_fx_rate,
        orders.gross_amount_reporting,
        orders.refunded_amount_reporting,
        orders.net_amount_reporting

    from orders

)

select * from final
