{#-
    One row per order from the shop and the ERP, in its own and the reporting currency.

    Incremental: a build replaces, by key, the orders loaded since the last one (a new
    order, an edit, a refund, which Shopify stamps on its order, or a deletion in the
    source) and those whose customer the identity step re-resolved since.
    `--full-refresh` rebuilds it whole; it is needed after a change to the `fx_rates`
    seed or to `reporting_currency`, which touch orders no load touched.
-#}

{{
    config(
        materialized='incremental',
        unique_key='order_key',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        pre_hook="{{ record_incremental_build() }}",
    )
}}

with

converted as (

    select * from {{ ref('int_orders_converted') }}

),

orders as (

    {{ rows_changed_since_last_build('converted') }}

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
        orders.net_amount_reporting,
        orders.loaded_at,
        orders.identity_resolved_at

    from orders

)

select * from final
