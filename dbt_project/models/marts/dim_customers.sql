{#-
    One row per golden customer: resolved profile, lineage, orders, revenue, consent,
    and the scores of `customer_metrics`.

    Incremental: a row is a function of the customer's profile (identity rewrites it,
    with a new `resolved_at`, whenever it touches the cluster or its members), orders,
    consent and metrics. A build rebuilds the customers whose profile was resolved
    since the last build, whose orders differ from what their row holds (a narrow
    comparison), or whose consent or metrics rows were rewritten since (their
    `row_changed_at`), so a million rows are not compared whole, and a
    post-hook deletes the customers merged away. Each row written is stamped with the
    build's time, `row_changed_at`: the snapshot compares only those. The orders,
    consent and metrics it joins are narrowed to the customers rebuilt first, so the
    joins hash those rows, not a million.
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

{#- copied from customer_metrics; a customer whose metrics row changed is rebuilt -#}
{%- set metric_columns = [
    'rfm_segment', 'churn_risk', 'predicted_12m_value', 'engagement_score',
    'preferred_channel',
] %}

with

golden_profiles as (

    select * from {{ ref('stg_identity__golden_profiles') }}

),

crosswalk as (

    select * from {{ ref('stg_identity__crosswalk') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

metrics as (

    select * from {{ ref('customer_metrics') }}

),

customer_orders as (

    select
        golden_id,
        count(*) as order_count,
        min(ordered_at) as first_order_at,
        max(ordered_at) as last_order_at,
        sum(gross_amount_reporting) as gross_revenue,
        sum(refunded_amount_reporting) as refunded_amount

    from orders
    where is_revenue_order
        and golden_id is not null
    group by golden_id

),

{% if is_incremental() %}
{#- the table's watermarks, read once for every filter below -#}
{%- set newest = newest_values_in_this(['row_changed_at', 'identity_resolved_at']) %}
current_rows as (

    select * from {{ this }}

),

orders_changed as (

    select current_rows.golden_id

    from current_rows
    left join customer_orders
        on current_rows.golden_id = customer_orders.golden_id
    where coalesce(customer_orders.order_count, 0) <> current_rows.order_count
        or customer_orders.first_order_at is distinct from current_rows.first_order_at
        or customer_orders.last_order_at is distinct from current_rows.last_order_at
        or cast(coalesce(customer_orders.gross_revenue, 0) as numeric(18, 2))
            <> current_rows.gross_revenue
        or cast(coalesce(customer_orders.refunded_amount, 0) as numeric(18, 2))
            <> current_rows.refunded_amount

),

consent_changed as (

    -- the consent and metrics rows their builds rewrote since this table's last build
    -- (both stamp every row they write; the stamps share the warehouse's clock)
    select golden_id from {{ ref('customer_consent') }}
    where row_changed_at > {{ timestamp_bound(newest.row_changed_at) }}

),

metrics_changed as (

    select golden_id from {{ ref('customer_metrics') }}
    where row_changed_at > {{ timestamp_bound(newest.row_changed_at) }}

),

changed_customers as (

    {#- the view itself, not the CTE: read once, the CTE is not materialised whole -#}
    select golden_id from {{ ref('stg_identity__golden_profiles') }}
    where resolved_at > {{ timestamp_bound(newest.identity_resolved_at) }}
    union
    select golden_id from orders_changed
    union
    select golden_id from consent_changed
    union
    select golden_id from metrics_changed
    {%- if newest.row_changed_at is none %}
    union
    -- a table from before `row_changed_at`: every row is written once to get its stamp
    select golden_id from {{ ref('stg_identity__golden_profiles') }}
    {%- endif %}

),
{% endif %}

members as (

    select
        golden_id,
        count(*) as member_count,
        sum(case when source = 'shop' then 1 else 0 end) as shop_customer_count,
        sum(case when source = 'erp' then 1 else 0 end) as erp_partner_count,
        sum(case when source = 'email' then 1 else 0 end) as email_member_count,
        sum(case when source = 'social' then 1 else 0 end) as social_profile_count

    from crosswalk
    {% if is_incremental() %}
    where golden_id in (select golden_id from changed_customers)
    {% endif %}
    group by golden_id

),

customers as (

    select * from golden_profiles
    {% if is_incremental() %}
    where golden_id in (select golden_id from changed_customers)
    {% endif %}

),

{%- set narrowed = '\n            and golden_id in (select golden_id from customers)'
                   if is_incremental() else '' %}

final as (

    select
        golden_profiles.golden_id,
        golden_profiles.first_name,
        golden_profiles.last_name,
        golden_profiles.email,
        golden_profiles.phone,
        golden_profiles.street,
        golden_profiles.city,
        golden_profiles.postcode,
        golden_profiles.country_code,
        golden_profiles.first_name_source,
        golden_profiles.last_name_source,
        golden_profiles.email_source,
        golden_profiles.phone_source,
        golden_profiles.street_source,
        golden_profiles.city_source,
        golden_profiles.postcode_source,
        golden_profiles.country_code_source,
        -- identity's own list: the same sorted, comma-separated sources of the members
        golden_profiles.source_systems,
        cast(coalesce(members.member_count, 0) as {{ dbt.type_bigint() }}) as member_count,
        cast(coalesce(members.shop_customer_count, 0) as {{ dbt.type_bigint() }})
            as shop_customer_count,
        cast(coalesce(members.erp_partner_count, 0) as {{ dbt.type_bigint() }})
            as erp_partner_count,
        cast(coalesce(members.email_member_count, 0) as {{ dbt.type_bigint() }})
            as email_member_count,
        cast(coalesce(members.social_profile_count, 0) as {{ dbt.type_bigint() }})
            as social_profile_count,
        golden_profiles.first_seen_at,
        golden_profiles.last_seen_at,
        golden_profiles.resolved_at as identity_resolved_at,
        cast(coalesce(customer_orders.order_count, 0) as {{ dbt.type_bigint() }}) as order_count,
        customer_orders.first_order_at,
        customer_orders.last_order_at,
        cast(coalesce(customer_orders.gross_revenue, 0) as numeric(18, 2)) as gross_revenue,
        cast(coalesce(customer_orders.refunded_amount, 0) as numeric(18, 2)) as refunded_amount,
        cast(
            coalesce(customer_orders.gross_revenue, 0)
            - coalesce(customer_orders.refunded_amount, 0)
            as numeric(18, 2)
        ) as net_revenue,
        coalesce(email_consent.consent_status, 'unknown') as email_consent_status,
        email_consent.consent_source as email_consent_source,
        email_consent.consent_updated_at as email_consent_updated_at,
        coalesce(email_consent.can_contact, false) as can_email,
        coalesce(sms_consent.can_contact, false) as can_sms,
        {%- for column in metric_columns %}
        metrics.{{ column }},
        {%- endfor %}
        -- every row a build writes (the snapshot and a BI extract take those since)
        {{ utc_now() }} as row_changed_at

    from customers as golden_profiles
    left join members
        on golden_profiles.golden_id = members.golden_id
    left join (
        select * from customer_orders
        {%- if is_incremental() %}
        where true{{ narrowed }}
        {%- endif %}
    ) as customer_orders
        on golden_profiles.golden_id = customer_orders.golden_id
    -- the mart itself, not one CTE read for both channels (DuckDB would copy all of it);
    -- on an incremental build narrowed to the customers rebuilt before the join, so
    -- that the join hashes a few thousand rows rather than a million
    left join (
        select * from {{ ref('customer_consent') }}
        where channel = 'email'{{ narrowed }}
    ) as email_consent
        on golden_profiles.golden_id = email_consent.golden_id
    left join (
        select * from {{ ref('customer_consent') }}
        where channel = 'sms'{{ narrowed }}
    ) as sms_consent
        on golden_profiles.golden_id = sms_consent.golden_id
    left join (
        select * from metrics
        {%- if is_incremental() %}
        where true{{ narrowed }}
        {%- endif %}
    ) as metrics
        on golden_profiles.golden_id = metrics.golden_id

)

select * from final
