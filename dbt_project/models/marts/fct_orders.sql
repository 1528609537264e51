{#-
    One row per order from the shop and the ERP, in its own and the reporting currency.

    Incremental: a build replaces, by key, the orders loaded since the last one (a new
    order, an edit, a refund, which Shopify stamps on its order: by the raw load id), the
    orders whose deletion in the source was detected since, and those whose customer
    the identity step re-resolved since.
    `--full-refresh` rebuilds it whole; it is needed after a change to the `fx_rates`
    seed or to `reporting_currency`, which touch orders no load touched.

    An order re-resolved but not loaded since changed in its golden id alone: it is
    taken from the table with the crosswalk's new golden id, found from the crosswalk
    rows re-stamped since the last build (a few thousand after a 1% change), so a build
    does not join every order with the crosswalk to find them.
-#}

-- depends_on: {{ ref('stg_identity__crosswalk') }}
-- depends_on: {{ ref('stg_shop__deletions') }}
-- depends_on: {{ ref('stg_erp__deletions') }}

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

orders as (

    select * from {{ ref('int_orders_converted') }} as converted
    {%- if is_incremental() %}
    -- the orders loaded since, by their raw load id: compared as text it reaches the
    -- raw tables' scans, which skip the older loads' row groups (a filter on
    -- `loaded_at` had every order's load id converted, and joined, first)
    {#- the table's watermarks, read once for every filter of this model #}
    {%- set newest = newest_values_in_this(['loaded_at', 'identity_resolved_at']) %}
    where converted.dlt_load_id > {{ load_id_bound(newest.loaded_at) }}
    {%- set loaded_through = timestamp_bound(newest.loaded_at) %}
    {%- set deleted_since -%}
        select source_id from {{ ref('stg_shop__deletions') }}
        where stream = 'orders' and deleted_detected_at > {{ loaded_through }}
        union
        select source_id from {{ ref('stg_erp__deletions') }}
        where stream = 'sale_orders' and deleted_detected_at > {{ loaded_through }}
    {%- endset %}
    {%- set deleted = values_or_query(deleted_since) %}
    {%- if deleted %}

    union

    -- and those whose deletion in the source was detected since (an id of the other
    -- source that happens to match is rewritten as it is)
    select * from {{ ref('int_orders_converted') }} as converted
    where converted.order_id in ({{ deleted }})
    {%- endif %}
    {%- endif %}

),

loaded as (

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

){{ ',' if is_incremental() }}

{%- if is_incremental() %}

re_resolved_records as (

    select * from {{ ref('stg_identity__crosswalk') }} as crosswalk
    where crosswalk.resolved_at > {{ timestamp_bound(newest.identity_resolved_at) }}

),

re_resolved as (

    -- orders no load touched since: as the table holds them, with their new golden id
    select
        held.order_key,
        held.source,
        held.order_id,
        held.order_name,
        re_resolved_records.golden_id,
        held.source_customer_id,
        held.ordered_at,
        held.order_status,
        held.is_revenue_order,
        held.currency_code,
        held.gross_amount,
        held.refunded_amount,
        held.net_amount,
        held.reporting_currency_code,
        held.fx_rate,
        held.has_fx_rate,
        held.gross_amount_reporting,
        held.refunded_amount_reporting,
        held.net_amount_reporting,
        held.loaded_at,
        re_resolved_records.resolved_at as identity_resolved_at

    from {{ this }} as held
    inner join re_resolved_records
        on held.source = re_resolved_records.source
        and held.source_customer_id = re_resolved_records.source_id
    where not exists (
        select 1 from loaded
        where loaded.order_key = held.order_key
    )

)

{%- endif %}

select * from loaded
{%- if is_incremental() %}

union all

select * from re_resolved
{%- endif %}
