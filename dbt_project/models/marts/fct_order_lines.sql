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

    Only the lines that can have changed are read from the sources: a Shopify order's
    lines when a load since brought them (the connector replaces an order's lines with
    it, so they carry that load's id, which the scan filters on), an Odoo order's when
    the order or one of its lines was loaded or deleted since (their ids, few, are
    written into the query as constants). The other rebuilt orders (re-resolved, or a
    Shopify order deleted in the shop) keep the lines the table holds, with the
    order's new golden id and status.
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
{#- the table's watermarks, read once for every filter below -#}
{%- set newest = newest_values_in_this(['loaded_at', 'identity_resolved_at']) %}
{#- Odoo lines are a stream of their own: the orders with a line loaded since the last
    build, or one Odoo deleted since -#}
{%- set erp_orders_with_changed_lines -%}
    select cast(erp_lines.sale_order_id as {{ dbt.type_string() }}) as order_id
    from {{ ref('stg_erp__sale_order_lines') }} as erp_lines
    where {{ dlt_loaded_at('erp_lines.dlt_load_id') }} > {{ timestamp_bound(newest.loaded_at) }}

    union

    select cast(erp_lines.sale_order_id as {{ dbt.type_string() }}) as order_id
    from {{ ref('stg_erp__deletions') }} as erp_line_deletions
    inner join {{ ref('stg_erp__sale_order_lines') }} as erp_lines
        on cast(erp_lines.sale_order_line_id as {{ dbt.type_string() }})
            = erp_line_deletions.source_id
    where erp_line_deletions.stream = 'sale_order_lines'
        and erp_line_deletions.deleted_detected_at > {{ timestamp_bound(newest.loaded_at) }}
{%- endset %}
{#- The Odoo orders whose lines are read again: loaded since, or with a line loaded or
    deleted since, read when the model compiles (fct_orders is built by then) and
    written into the query as constants (`values_or_query`). -#}
{%- set erp_reread_orders -%}
    select order_id from {{ ref('fct_orders') }}
    where source = 'erp' and loaded_at > {{ timestamp_bound(newest.loaded_at) }}

    union

    {{ erp_orders_with_changed_lines }}
{%- endset %}
{%- set erp_reread = values_or_query(erp_reread_orders) %}

erp_orders_with_changed_lines as (

    {{ erp_orders_with_changed_lines }}

),

rebuilt_orders as (

    select * from {{ ref('fct_orders') }} as orders
    where {{ changed_since_last_build('orders', newest) }}
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
    -- lines a load brought since: their load id, as text, reaches the scan
    where shop_lines.dlt_load_id > {{ load_id_bound(newest.loaded_at) }}
        and shop_lines.order_id in (
            select order_id from rebuilt_orders where source = 'shop'
        )
    {% endif %}

),

erp_lines as (

    select * from {{ ref('stg_erp__sale_order_lines') }} as erp_lines
    where erp_lines.is_product_line
    {% if is_incremental() %}
        {%- if erp_reread %}
        and cast(erp_lines.sale_order_id as {{ dbt.type_string() }}) in ({{ erp_reread }})
        {%- else %}
        and 1 = 0
        {%- endif %}
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
        cast(null as {{ dbt.type_timestamp() }}) as loaded_at,
        false as is_held

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
        ) as loaded_at,
        false as is_held

    from erp_lines
    left join erp_line_deletions
        on cast(erp_lines.sale_order_line_id as {{ dbt.type_string() }})
            = erp_line_deletions.source_id
    {%- if is_incremental() %}

    union all

    -- the lines of the other rebuilt orders, as the table holds them; `loaded_at` is
    -- what the table holds for the order and its lines, which stays theirs
    select
        held.source,
        held.order_id,
        held.order_line_id,
        held.line_position,
        held.sku,
        held.product_name,
        held.quantity,
        held.unit_price,
        held.currency_code,
        held.line_amount,
        held.is_deleted,
        held.loaded_at,
        true as is_held

    from {{ this }} as held
    inner join rebuilt_orders
        on held.source = rebuilt_orders.source
        and held.order_id = rebuilt_orders.order_id
    {%- endif %}

),

current_lines as (

    -- an order's lines read again replace those the table holds (a Shopify order read
    -- again brings its whole list, an Odoo order every line; a Shopify order deleted in
    -- the shop brings none and keeps them)
    select * from (
        select
            lines.*,
            count(case when not lines.is_held then 1 end) over (
                partition by lines.source, lines.order_id
            ) as lines_read

        from lines
    ) as counted
    where not counted.is_held or counted.lines_read = 0

),

erp_line_loads as (

    -- Shopify lines load with their order; an Odoo order's lines load on their own
    select
        source,
        order_id,
        max(loaded_at) as loaded_at

    from current_lines
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

    from current_lines as lines
    inner join changed_orders
        on lines.source = changed_orders.source
        and lines.order_id = changed_orders.order_id

)

select * from final
