{#-
    The cross-channel customer journey: one row per interaction, with its golden customer.

    Orders come from `fct_orders` (converted and resolved there); every other
    interaction from `int_touchpoints_unioned`, with the golden id of its source
    record from the identity crosswalk.

    Incremental: a build takes the touchpoints loaded since the last one, and those
    whose person the identity step re-resolved since (a merge or split moves them to
    another golden id), and replaces them by key. The re-resolved ones are found from
    the crosswalk side: its rows re-stamped since the last build (a few thousand
    after a 1% change) join the interactions by source record, so a build does not
    resolve every interaction again. `dbt build --full-refresh` rebuilds it whole,
    which also drops touchpoints whose source rows are gone.
-#}

{{
    config(
        materialized='incremental',
        unique_key='touchpoint_key',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        pre_hook="{{ record_incremental_build() }}",
    )
}}

with

orders as (

    select * from {{ ref('fct_orders') }}

),

{#- Each branch names the relations it reads instead of sharing import CTEs: DuckDB
    materialises a CTE read twice, which here would copy every interaction. -#}
{% if is_incremental() %}
{#- the table's watermarks, read once for every filter below -#}
{%- set newest = newest_values_in_this(['loaded_at', 'identity_resolved_at']) %}

loaded_interactions as (

    select * from {{ ref('int_touchpoints_unioned') }} as interactions
    where interactions.loaded_at > {{ timestamp_bound(newest.loaded_at) }}

),

re_resolved_records as (

    select * from {{ ref('stg_identity__crosswalk') }} as crosswalk
    where crosswalk.resolved_at > {{ timestamp_bound(newest.identity_resolved_at) }}

),

-- the interactions of re-resolved people that no load touched since, found by a
-- semi-join, which builds on the few re-resolved records, never on the interactions
re_resolved_interactions as (

    select * from {{ ref('int_touchpoints_unioned') }} as interactions
    where interactions.loaded_at <= {{ timestamp_bound(newest.loaded_at) }}
        and exists (
            select 1
            from re_resolved_records
            where re_resolved_records.source = interactions.source
                and re_resolved_records.source_id = interactions.source_record_id
        )

),

changed_interactions as (

    select
        loaded_interactions.*,
        crosswalk.golden_id,
        crosswalk.resolved_at as identity_resolved_at

    from loaded_interactions
    left join {{ ref('stg_identity__crosswalk') }} as crosswalk
        on loaded_interactions.source = crosswalk.source
        and loaded_interactions.source_record_id = crosswalk.source_id

    union all

    select
        re_resolved_interactions.*,
        re_resolved_records.golden_id,
        re_resolved_records.resolved_at as identity_resolved_at

    from re_resolved_interactions
    inner join re_resolved_records
        on re_resolved_interactions.source = re_resolved_records.source
        and re_resolved_interactions.source_record_id = re_resolved_records.source_id

),

{% else %}

changed_interactions as (

    select
        interactions.*,
        crosswalk.golden_id,
        crosswalk.resolved_at as identity_resolved_at

    from {{ ref('int_touchpoints_unioned') }} as interactions
    left join {{ ref('stg_identity__crosswalk') }} as crosswalk
        on interactions.source = crosswalk.source
        and interactions.source_record_id = crosswalk.source_id

),

{% endif %}

order_touchpoints as (

    select
        {{ touchpoint_key('orders.source', "'order'", 'orders.order_id',
                          'orders.source_customer_id', 'orders.ordered_at') }}
            as touchpoint_key,
        orders.golden_id,
        {{ touchpoint_channel('orders.source') }} as channel,
        'order' as touchpoint_type,
        orders.ordered_at as occurred_at,
        orders.source,
        orders.source_customer_id as source_record_id,
        orders.order_id as reference_id,
        orders.net_amount as amount,
        orders.currency_code,
        -- a cancelled or deleted order was an interaction, not revenue
        case when orders.is_revenue_order then orders.net_amount_reporting end
            as amount_reporting,
        orders.loaded_at,
        orders.identity_resolved_at

    from orders
    {% if is_incremental() %}
    where {{ changed_since_last_build('orders', newest) }}
    {% endif %}

),

unioned as (

    select
        touchpoint_key,
        golden_id,
        channel,
        touchpoint_type,
        occurred_at,
        source,
        source_record_id,
        reference_id,
        amount,
        currency_code,
        amount_reporting,
        loaded_at,
        identity_resolved_at

    from changed_interactions

    union all

    select * from order_touchpoints

),

final as (

    select
        unioned.touchpoint_key,
        unioned.golden_id,
        unioned.channel,
        unioned.touchpoint_type,
        unioned.occurred_at,
        unioned.source,
        unioned.source_record_id,
        unioned.reference_id,
        cast(unioned.amount as numeric(18, 2)) as amount,
        unioned.currency_code,
        cast(unioned.amount_reporting as numeric(18, 2)) as amount_reporting,
        unioned.loaded_at,
        unioned.identity_resolved_at

    from unioned

)

select * from final
