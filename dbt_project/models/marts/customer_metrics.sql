{#-
    One row per golden customer: RFM, value, churn risk and engagement at `as_of_at`:
    var `metrics_as_of`, else the environment's CDP_METRICS_AS_OF (a timestamp, UTC;
    the sandbox sets its world's clock there), else midnight UTC of the build's day. Every rule and
    threshold is in the column docs (`_marts__models.yml`).
-#}

{{
    config(
        materialized='incremental',
        unique_key='golden_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        meta={'tests_scope': 'row_changed'},
        pre_hook="{{ record_row_stamped_build() }}",
        post_hook="{{ delete_gone_keys('golden_id', ref('stg_identity__golden_profiles')) }}",
    )
}}

{%- set as_of = var('metrics_as_of', none) or env_var('CDP_METRICS_AS_OF', '') -%}

with

customers as (

    select * from {{ ref('stg_identity__golden_profiles') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

touchpoints as (

    select * from {{ ref('fct_touchpoints') }}

),

as_of as (

    select
        {%- if as_of %}
        cast('{{ as_of }}' as {{ dbt.type_timestamp() }}) as as_of_at
        {%- else %}
        -- midnight UTC of the build's day: the metrics move a day at a time, so the
        -- builds of one day rewrite only the customers whose orders, interactions or
        -- profile changed, where the build's own instant would move every customer's
        -- row (and so every dim_customers row) on every build
        cast({{ dbt.date_trunc('day', utc_now()) }} as {{ dbt.type_timestamp() }}) as as_of_at
        {%- endif %}

),

revenue_orders as (

    select
        orders.golden_id,
        orders.ordered_at,
        orders.net_amount_reporting

    from orders
    cross join as_of
    where orders.is_revenue_order
        and orders.golden_id is not null
        and orders.ordered_at <= as_of.as_of_at

),

order_stats as (

    select
        golden_id,
        count(*) as frequency,
        min(ordered_at) as first_order_at,
        max(ordered_at) as last_order_at,
        coalesce(sum(net_amount_reporting), 0) as monetary_value

    from revenue_orders
    group by golden_id

),

order_gaps as (

    select
        order_stats.*,
        {{ dbt.datediff('order_stats.last_order_at', 'as_of.as_of_at', 'day') }}
            as recency_days,
        {{ dbt.datediff('order_stats.first_order_at', 'as_of.as_of_at', 'day') }}
            as tenure_days,
        case
            when order_stats.frequency >= 2
                then 1.0 * {{ dbt.datediff('order_stats.first_order_at',
                                           'order_stats.last_order_at', 'day') }}
                    / (order_stats.frequency - 1)
        end as own_cadence_days

    from order_stats
    cross join as_of

),

typical_cadence as (

    -- a one-order customer has no rhythm of their own: the repeat customers' median
    select
        percentile_cont(0.5) within group (order by own_cadence_days) as cadence_days

    from order_gaps
    where own_cadence_days is not null

),

rfm as (

    select
        order_gaps.*,
        coalesce(order_gaps.own_cadence_days, typical_cadence.cadence_days)
            as purchase_cadence_days,
        -- fifths of the share of customers below the value: ties share a score, and
        -- the lowest value (the many one-order customers) scores 1
        cast(least(5, 1 + floor(5 * percent_rank() over (
            order by order_gaps.recency_days desc))) as integer) as recency_score,
        cast(least(5, 1 + floor(5 * percent_rank() over (
            order by order_gaps.frequency))) as integer) as frequency_score,
        cast(least(5, 1 + floor(5 * percent_rank() over (
            order by order_gaps.monetary_value))) as integer) as monetary_score

    from order_gaps
    cross join typical_cadence

),

value_and_risk as (

    select
        rfm.*,
        rfm.monetary_value / rfm.frequency as average_order_value,
        case
            when rfm.purchase_cadence_days is null then null
            else rfm.recency_days / greatest(rfm.purchase_cadence_days, 1.0)
        end as overdue_ratio

    from rfm

),

engagement as (

    select
        touchpoints.golden_id,
        sum(
            case touchpoints.touchpoint_type
                when 'order' then 5
                when 'email_click' then 3
                when 'social_mention' then 3
                when 'social_reply' then 3
                when 'social_message' then 3
                when 'email_open' then 1
                else 0
            end
        ) as engagement_points

    from touchpoints
    cross join as_of
    where touchpoints.golden_id is not null
        and touchpoints.occurred_at <= as_of.as_of_at
        and touchpoints.occurred_at > {{ dbt.dateadd('day', -90, 'as_of.as_of_at') }}
    group by touchpoints.golden_id

),

channel_use as (

    select
        touchpoints.golden_id,
        touchpoints.channel,
        count(*) as interactions,
        max(touchpoints.occurred_at) as last_interaction_at

    from touchpoints
    cross join as_of
    where touchpoints.golden_id is not null
        and touchpoints.touchpoint_type in (
            'order', 'email_open', 'email_click', 'social_mention', 'social_reply',
            'social_message'
        )
        and touchpoints.occurred_at <= as_of.as_of_at
        and touchpoints.occurred_at > {{ dbt.dateadd('day', -365, 'as_of.as_of_at') }}
    group by touchpoints.golden_id, touchpoints.channel

),

preferred_channel as (

    select
        golden_id,
        channel,
        row_number() over (
            partition by golden_id
            order by interactions desc, last_interaction_at desc, channel
        ) as preference

    from channel_use

),

final as (

    select
        customers.golden_id,
        as_of.as_of_at,
        value_and_risk.first_order_at,
        value_and_risk.last_order_at,
        cast(value_and_risk.recency_days as {{ dbt.type_bigint() }}) as recency_days,
        cast(coalesce(value_and_risk.frequency, 0) as {{ dbt.type_bigint() }}) as frequency,
        cast(coalesce(value_and_risk.monetary_value, 0) as numeric(18, 2)) as monetary_value,
        value_and_risk.recency_score,
        value_and_risk.frequency_score,
        value_and_risk.monetary_score,
        case
            when value_and_risk.golden_id is null then 'prospect'
            when value_and_risk.recency_score >= 4 and value_and_risk.frequency_score >= 4
                then 'champions'
            when value_and_risk.recency_score >= 3 and value_and_risk.frequency_score >= 3
                then 'loyal_customers'
            when value_and_risk.recency_score >= 4 and value_and_risk.frequency = 1
                then 'new_customers'
            when value_and_risk.recency_score >= 4 then 'potential_loyalists'
            when value_and_risk.recency_score = 3 then 'needs_attention'
            when value_and_risk.recency_score = 1 and value_and_risk.frequency_score >= 4
                then 'cant_lose_them'
            when value_and_risk.frequency_score >= 3 then 'at_risk'
            else 'hibernating'
        end as rfm_segment,
        cast(value_and_risk.average_order_value as numeric(18, 2)) as average_order_value,
        cast(coalesce(value_and_risk.monetary_value, 0) as numeric(18, 2))
            as historic_lifetime_value,
        cast(value_and_risk.purchase_cadence_days as numeric(10, 1)) as purchase_cadence_days,
        value_and_risk.own_cadence_days is not null as has_own_cadence,
        cast(value_and_risk.overdue_ratio as numeric(10, 2)) as overdue_ratio,
        case
            when value_and_risk.overdue_ratio is null then null
            when value_and_risk.overdue_ratio < 1.5 then 'low'
            when value_and_risk.overdue_ratio < 3 then 'medium'
            else 'high'
        end as churn_risk,
        -- orders a year over the customer's tenure (a year at least, so two quick
        -- orders do not make a weekly buyer), each worth the average order
        cast(
            case
                when value_and_risk.golden_id is null then null
                else value_and_risk.average_order_value * value_and_risk.frequency
                    * 365.0 / greatest(value_and_risk.tenure_days, 365)
                    / greatest(coalesce(value_and_risk.overdue_ratio, 1.0), 1.0)
            end
            as numeric(18, 2)
        ) as predicted_12m_value,
        cast(round(100 * (1 - exp(-coalesce(engagement.engagement_points, 0) / 10.0)))
            as integer) as engagement_score,
        preferred_channel.channel as preferred_channel

    from customers
    cross join as_of
    left join value_and_risk
        on customers.golden_id = value_and_risk.golden_id
    left join engagement
        on customers.golden_id = engagement.golden_id
    left join preferred_channel
        on customers.golden_id = preferred_channel.golden_id
        and preferred_channel.preference = 1

)

{{ only_changed_rows('final', stamp='row_changed_at') }}
