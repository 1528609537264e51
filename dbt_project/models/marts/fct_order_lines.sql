{#-
    One row per order line: what was bought, how many and at what price, with the
    order's golden customer, date and revenue status, in the line's own and the
    reporting currency (at the order's rate). Lines come from the shop; the ERP
    connector reads sale orders without their lines yet.

    Incremental by order: a build replaces every line of the orders loaded or
    re-resolved since the last one (Shopify sends an order's lines with it), so a
    line removed from an edited order goes too.
-#}

{{
    config(
        materialized='incremental',
        unique_key='order_key',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

with

lines as (

    select * from {{ ref('stg_shop__order_lines') }}

),

orders as (

    select * from {{ ref('int_orders_converted') }} as converted
    where converted.source = 'shop'
    {% if is_incremental() %}
        and {{ changed_since_last_build('converted') }}
    {% endif %}

),

final as (

    select
        {{ dbt.concat(["'shop:'", "lines.order_line_id"]) }} as order_line_key,
        {{ dbt.concat(["'shop:'", "lines.order_id"]) }} as order_key,
        'shop' as source,
        lines.order_id,
        lines.order_line_id,
        lines.line_position,
        orders.golden_id,
        orders.ordered_at,
        orders.is_revenue_order,
        lines.sku,
        lines.product_name,
        lines.quantity,
        cast(lines.unit_price as numeric(18, 2)) as unit_price,
        coalesce(lines.unit_price_currency_code, orders.currency_code) as currency_code,
        cast(lines.quantity * lines.unit_price as numeric(18, 2)) as line_amount,
        orders.reporting_currency_code,
        cast(lines.quantity * lines.unit_price * orders.fx_rate as numeric(18, 2))
            as line_amount_reporting,
        orders.loaded_at,
        orders.identity_resolved_at

    from lines
    inner join orders
        on lines.order_id = orders.order_id

)

select * from final
