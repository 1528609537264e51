{#-
    One row per golden customer: RFM, value, churn risk and engagement at `as_of_at`:
    var `metrics_as_of`, else the environment's CDP_METRICS_AS_OF (a timestamp, UTC;
    the sandbox sets its world's clock there), else midnight UTC of the build's day,
    read once when the model compiles. Every rule and threshold is in the column docs
    (`_marts__models.yml`).

    Incremental in two steps. A customer's own figures (orders counted, first and last
    order, value, engagement points, preferred channel) follow from their orders and
    interactions up to `as_of_at` alone: at the same `as_of_at` as the last build, they
    are computed for the customers whose interactions (orders among them) were
    loaded or re-resolved since, or whose profile identity resolved since (the
    inputs' newest `loaded_at`, `identity_resolved_at` and `resolved_at` at each
    build are logged in `dbt_meta.metrics_inputs` by a post-hook), and read from the
    table for everyone else. Scores rank a customer against everyone, and a
    one-order customer's cadence is everyone's median: each distinct value is scored
    from all the figures (macros/rank_fifths.sql), and of the customers held, only
    those whose scores moved, or the one-order customers when the median moved (the
    log keeps the last one), are derived again. Of the rows derived, only those that
    differ from the table are written. On a new `as_of_at` (the first build of a
    day), a first build or a full refresh, every customer's figures are computed from
    the facts. A pre-hook first deletes the customers who left the population, so the
    figures held are everyone's who stays.
    Rows deleted from the facts outside dbt (a retention rule shorter than the
    365-day channel window) reach the figures at the next new as-of time, the next
    day at the latest; an erasure removes the customer itself.
-#}

{{
    config(
        materialized='incremental',
        unique_key='golden_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        meta={'tests_scope': 'row_changed'},
        pre_hook=[
            "{{ record_row_stamped_build() }}",
            "{{ delete_gone_keys('golden_id', ref('stg_identity__golden_profiles'))
                if is_incremental() }}",
        ],
        post_hook="{{ record_metrics_inputs(ref('fct_touchpoints'),
                                            ref('stg_identity__golden_profiles')) }}",
    )
}}

{%- set as_of = metrics_as_of() -%}
{#- the inputs' watermarks at the last build, when it held the same as_of (else none) -#}
{%- set since = metrics_inputs_at_last_build(as_of) -%}

{#- the facts' rows the figures are computed from: on an incremental build the rows of
    the recomputed customers; otherwise every resolved row (the figures keep the current
    customers' alone, so a semi-join with all of them would cost a scan for nothing) -#}
{%- set recomputed_only = 'in (select golden_id from recomputed)' if since is not none
                          else 'is not null' %}

{#- each relation read where it is used: DuckDB copies a CTE read twice whole -#}
with

orders as (

    select * from {{ ref('fct_orders') }}

),

as_of as (

    select {{ timestamp_literal(as_of) }} as as_of_at

),

{% if since is not none %}
changed_customers as (

    -- whose own figures can differ from the table's: interactions loaded or
    -- re-resolved since the last build (an order is one too, with its order's
    -- `loaded_at` and `identity_resolved_at`), or a profile identity resolved since:
    -- the customer a split or a merge took interactions from is re-stamped, and the
    -- interactions themselves name only the customer they went to
    select golden_id from {{ ref('fct_touchpoints') }}
    where golden_id is not null
        and (loaded_at > {{ timestamp_literal(since.touchpoints_loaded_through) }}
            or identity_resolved_at
                > {{ timestamp_literal(since.touchpoints_resolved_through) }})
    union
    select golden_id from {{ ref('stg_identity__golden_profiles') }}
    where resolved_at > {{ timestamp_literal(since.profiles_resolved_through) }}

),

held_figures as (

    -- everyone else (the pre-hook removed who left): their own figures and the
    -- scores the table holds
    select
        held.golden_id,
        nullif(held.frequency, 0) as frequency,
        held.first_order_at,
        held.last_order_at,
        case when held.frequency > 0 then held.monetary_value end as monetary_value,
        held.engagement_score,
        held.preferred_channel,
        true as is_held,
        held.recency_score as held_recency_score,
        held.frequency_score as held_frequency_score,
        held.monetary_score as held_monetary_score

    from {{ this }} as held
    where not exists (
        select 1 from changed_customers
        where changed_customers.golden_id = held.golden_id
    )

),
{% endif %}

recomputed as (

    -- the customers whose own figures are computed from the facts (a new profile is
    -- resolved after the last build, so it is among the changed)
    select golden_id from {{ ref('stg_identity__golden_profiles') }}
    {%- if since is not none %}
    where golden_id in (select golden_id from changed_customers)
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
        and orders.golden_id {{ recomputed_only }}
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

    from {{ ref('fct_touchpoints') }} as touchpoints
    cross join as_of
    where touchpoints.golden_id {{ recomputed_only }}
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

    from {{ ref('fct_touchpoints') }} as touchpoints
    cross join as_of
    where touchpoints.golden_id {{ recomputed_only }}
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

computed_figures as (

    select
        recomputed.golden_id,
        order_stats.frequency,
        order_stats.first_order_at,
        order_stats.last_order_at,
        order_stats.monetary_value,
        cast(round(100 * (1 - exp(-coalesce(engagement.engagement_points, 0) / 10.0)))
            as integer) as engagement_score,
        preferred_channel.channel as preferred_channel,
        false as is_held,
        cast(null as integer) as held_recency_score,
        cast(null as integer) as held_frequency_score,
        cast(null as integer) as held_monetary_score

    from recomputed
    left join order_stats
        on recomputed.golden_id = order_stats.golden_id
    left join engagement
        on recomputed.golden_id = engagement.golden_id
    left join preferred_channel
        on recomputed.golden_id = preferred_channel.golden_id
        and preferred_channel.preference = 1

),

figures as (

    -- every customer's own figures (frequency NULL for a customer without an order)
    select * from computed_figures
    {%- if since is not none %}
    union all
    select * from held_figures
    {%- endif %}

),

order_gaps as (

    select
        figures.golden_id,
        figures.frequency,
        figures.first_order_at,
        figures.last_order_at,
        figures.monetary_value,
        figures.engagement_score,
        figures.preferred_channel,
        figures.is_held,
        figures.held_recency_score,
        figures.held_frequency_score,
        figures.held_monetary_score,
        {{ dbt.datediff('figures.last_order_at', 'as_of.as_of_at', 'day') }}
            as recency_days,
        {{ dbt.datediff('figures.first_order_at', 'as_of.as_of_at', 'day') }}
            as tenure_days,
        case
            when figures.frequency >= 2
                then {{ own_cadence_days('figures.first_order_at', 'figures.last_order_at',
                                         'figures.frequency') }}
        end as own_cadence_days

    from figures
    cross join as_of
    where figures.frequency is not null

),

typical_cadence as (

    -- a one-order customer has no rhythm of their own: the repeat customers' median
    {{ typical_cadence_days('figures') }}

),

-- each distinct value's score: fifths of the share of customers ranked below it, so
-- ties share a score and the lowest value (the many one-order customers) scores 1
recency_scores as (

    {{ rank_fifths('order_gaps', 'recency_days', descending=true) }}

),

frequency_scores as (

    {{ rank_fifths('order_gaps', 'frequency') }}

),

monetary_scores as (

    {{ rank_fifths('order_gaps', 'monetary_value') }}

),

rfm as (

    select
        order_gaps.*,
        coalesce(order_gaps.own_cadence_days, typical_cadence.cadence_days)
            as purchase_cadence_days,
        cast(recency_scores.score as integer) as recency_score,
        cast(frequency_scores.score as integer) as frequency_score,
        cast(monetary_scores.score as integer) as monetary_score

    from order_gaps
    cross join typical_cadence
    inner join recency_scores
        on order_gaps.recency_days = recency_scores.value
    inner join frequency_scores
        on order_gaps.frequency = frequency_scores.value
    inner join monetary_scores
        on order_gaps.monetary_value = monetary_scores.value

),

derived as (

    -- the customers whose rows are derived again: every one computed from the facts,
    -- and of those held, whose scores moved, or (the median moved) who have no
    -- cadence of their own
    select golden_id, engagement_score, preferred_channel
    from figures
    where not is_held
    {%- if since is not none %}
    union all
    select rfm.golden_id, rfm.engagement_score, rfm.preferred_channel
    from rfm
    where rfm.is_held
        and (rfm.recency_score <> rfm.held_recency_score
            or rfm.frequency_score <> rfm.held_frequency_score
            or rfm.monetary_score <> rfm.held_monetary_score
            or (rfm.own_cadence_days is null
                and rfm.purchase_cadence_days
                    is distinct from {{ typical_cadence_at_last_build(since) }}))
    {%- endif %}

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
        customers.engagement_score,
        customers.preferred_channel

    from derived as customers
    cross join as_of
    left join value_and_risk
        on customers.golden_id = value_and_risk.golden_id

)

{{ only_changed_rows('final', stamp='row_changed_at', key='golden_id') }}
