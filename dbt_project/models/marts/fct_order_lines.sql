{#-
    One row per order line of the shop and the ERP: what was bought, how many and at
    what price, with the order's golden customer, date and revenue status, in the line's
    own and the reporting currency (at the order's rate). ERP section and note lines
    are not products and are left out; a line unlinked in Odoo stays, flagged
    `is_deleted`, as `fct_orders` keeps a deleted order.

    Incremental by order: a build replaces every line of the orders that changed since
    the last one: the order was loaded or re-resolved, or one of its lines was loaded
    or deleted (Shopify sends an order's lines with it; Odoo's lines are a stream of
    their own and may arrive in another sync). A line removed from an edited order goes
    with the rest of the order's old lines.
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

{#- Incremental: the orders to rebuild come first, from `fct_orders` (a table) and the
    Odoo lines loaded or deleted since the last build, and only their lines are read
    and converted (none when nothing changed); a first build reads every line. -#}
{% if is_incremental() %}

erp_orders_with_changed_lines as (

    -- Odoo lines are a stream of their own: a line loaded since the last build...
    select cast(erp_lines.sale_order_id as {{ dbt.type_string() }}) as order_id
    from {{ ref('stg_erp__sale_order_lines') }} as erp_lines
    where {{ dlt_loaded_at('erp_lines.dlt_load_id') }} > {{ last_build_max('loaded_at') }}

    union

    -- ...or one Odoo deleted since
    select cast(erp_lines.sale_order_id as {{ dbt.type_string() }}) as order_id
    from {{ ref('stg_erp__deletions') }} as erp_line_deletions
    inner join {{ ref('stg_erp__sale_order_lines') }} as erp_lines
        on cast(erp_lines.sale_order_line_id as {{ dbt.type_string() }})
            = erp_line_deletions.source_id
    where erp_line_deletions.stream = 'sale_order_lines'
        and erp_line_deletions.deleted_detected_at > {{ last_build_max('loaded_at') }}

),

rebuilt_orders as (

    select * from {{ ref('fct_orders') }} as orders
    where {{ changed_since_last_build('orders') }}
        or (
            orders.source = 'erp'
            and orders.order_id in (select order_id from erp_orders_with_changed_lines)
        )

),

{% else %}

rebuilt_orders as (

    select * from {{ ref('fct_orders') }}

),

{% endif %}

shop_lines as (

    select * from {{ ref('stg_shop__order_lines') }} as shop_lines
    {% if is_incremental() %}
    where shop_lines.order_id in (
        select order_id from rebuilt_orders where source = 'shop'
    )
    {% endif %}

),

erp_lines as (

    select * from {{ ref('stg_erp__sale_order_lines') }} as erp_lines
    where erp_lines.is_product_line
    {% if is_incremental() %}
        and cast(erp_lines.sale_order_id as {{ dbt.type_string() }}) in (
            select order_id from rebuilt_orders where source = 'erp'
        )
    {% endif %}

),

erp_line_deletions as (

    select * from {{ ref('stg_erp__deletions') }}
    where stream = 'sale_order_lines'

),

lines as (

    select
        'shop' as source,
        shop_lines.order_id,
        shop_lines.order_line_id,
        shop_lines.line_position,
        shop_lines.sku,
        shop_lines.product_name,
        cast(shop_lines.quantity as numeric(18, 3)) as quantity,
        shop_lines.unit_price,
        shop_lines.unit_price_currency_code as currency_code,
        shop_lines.quantity * shop_lines.unit_price as line_amount,
        false as is_deleted,
        -- loaded with its order, whose load time stands for it
        cast(null as {{ dbt.type_timestamp() }}) as loaded_at

    from shop_lines

    union all

    select
        'erp' as source,
        cast(erp_lines.sale_order_id as {{ dbt.type_string() }}) as order_id,
        cast(erp_lines.sale_order_line_id as {{ dbt.type_string() }}) as order_line_id,
        erp_lines.line_position,
        erp_lines.sku,
        erp_lines.product_name,
        erp_lines.quantity,
        erp_lines.unit_price,
        erp_lines.currency_code,
        erp_lines.total_amount as line_amount,
        erp_line_deletions.source_id is not null as is_deleted,
        greatest(
            {{ dlt_loaded_at('erp_lines.dlt_load_id') }},
            erp_line_deletions.deleted_detected_at
        ) as loaded_at

    from erp_lines
    left join erp_line_deletions
        on cast(erp_lines.sale_order_line_id as {{ dbt.type_string() }})
            = erp_line_deletions.source_id

),

erp_line_loads as (

    -- Shopify lines load with their order; an Odoo order's lines load on their own
    select
        source,
        order_id,
        max(loaded_at) as loaded_at

    from lines
    where source = 'erp'
    group by source, order_id

),

changed_orders as (

    -- with when the order or any of its lines last changed
    select
        rebuilt_orders.*,
        greatest(rebuilt_orders.loaded_at, erp_line_loads.loaded_at) as lines_loaded_at

    from rebuilt_orders
    left join erp_line_loads
        on rebuilt_orders.source = erp_line_loads.source
        and rebuilt_orders.order_id = erp_line_loads.order_id

),

final as (

    select
        {{ dbt.concat(["lines.source", "':'", "lines.order_line_id"]) }} as order_line_key,
        {{ dbt.concat(["lines.source", "':'", "lines.order_id"]) }} as order_key,
        lines.source,
        lines.order_id,
        lines.order_line_id,
        lines.line_position,
        changed_orders.golden_id,
        changed_orders.ordered_at,
        changed_orders.is_revenue_order,
        lines.is_deleted,
        lines.sku,
        lines.product_name,
        lines.quantity,
        cast(lines.unit_price as numeric(18, 2)) as unit_price,
        coalesce(lines.currency_code, changed_orders.currency_code) as currency_code,
        cast(lines.line_amount as numeric(18, 2)) as line_amount,
        changed_orders.reporting_currency_code,
        cast(lines.line_amount * changed_orders.fx_rate as numeric(18, 2))
            as line_amount_reporting,
        changed_orders.lines_loaded_at as loaded_at,
        changed_orders.identity_resolved_at

    from lines
    inner join changed_orders
        on lines.source = changed_orders.source
        and lines.order_id = changed_orders.order_id

)

select * from final
