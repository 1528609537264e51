{#-
    The current marketing consent per golden customer and channel (email, SMS), with
    the signal it came from; a customer without any signal on a channel is `unknown`
    there and not contactable. Precedence: `consent_precedence` (latest first, then
    the more restrictive).

    Incremental: a customer's consent follows from their records' signals, so a build
    redoes the customers whose profile identity resolved since the last build (a
    merge, a split, a record added or changed) or who have a signal loaded since, and
    a post-hook deletes the customers merged away.
-#}

{{
    config(
        materialized='incremental',
        unique_key='golden_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        post_hook="{{ delete_gone_keys('golden_id', ref('stg_identity__golden_profiles')) }}",
    )
}}

with

customers as (

    select * from {{ ref('stg_identity__golden_profiles') }}

),

email_signals as (

    select * from {{ ref('int_email_consent_signals') }}

),

shop_customers as (

    select * from {{ ref('stg_shop__customers') }}

),

crosswalk as (

    select * from {{ ref('stg_identity__crosswalk') }}

),

channels as (

    select 'email' as channel
    union all
    select 'sms' as channel

),

sms_signals as (

    -- Shopify smsMarketingConsent.marketingState, as of its consentUpdatedAt
    select
        crosswalk.golden_id,
        'shop' as consent_source,
        shop_customers.customer_id as source_record_id,
        {{ shopify_consent_status('shop_customers.sms_marketing_state') }} as consent_status,
        shop_customers.sms_consent_updated_at as signal_at,
        {{ dlt_loaded_at('shop_customers.dlt_load_id') }} as loaded_at

    from shop_customers
    inner join crosswalk
        on crosswalk.source = 'shop'
        and crosswalk.source_id = shop_customers.customer_id
    where shop_customers.sms_marketing_state is not null
        and shop_customers.sms_marketing_state <> 'REDACTED'

),

signals as (

    select
        'email' as channel,
        golden_id,
        consent_source,
        source_record_id,
        consent_status,
        signal_at,
        loaded_at

    from email_signals

    union all

    select
        'sms' as channel,
        golden_id,
        consent_source,
        source_record_id,
        consent_status,
        signal_at,
        loaded_at

    from sms_signals

),

{% if is_incremental() %}
changed_customers as (

    select golden_id from customers
    where resolved_at > {{ last_build_max('identity_resolved_at') }}

    union

    select golden_id from signals
    where loaded_at > {{ last_build_max('loaded_at') }}
        and golden_id is not null

),
{% endif %}

scope as (

    select * from customers
    {% if is_incremental() %}
    where golden_id in (select golden_id from changed_customers)
    {% endif %}

),

scoped_signals as (

    select * from signals
    where golden_id in (select golden_id from scope)

),

signal_loads as (

    select
        golden_id,
        max(loaded_at) as loaded_at

    from scoped_signals
    group by golden_id

),

ranked as (

    select
        scoped_signals.*,
        row_number() over (
            partition by golden_id, channel
            order by {{ consent_precedence() }}
        ) as signal_rank

    from scoped_signals

),

final as (

    select
        {{ dbt.concat(["customers.golden_id", "':'", "channels.channel", "':marketing'"]) }}
            as consent_key,
        customers.golden_id,
        channels.channel,
        'marketing' as purpose,
        coalesce(ranked.consent_status, 'unknown') as consent_status,
        coalesce(ranked.consent_status = 'subscribed', false) as can_contact,
        ranked.consent_source,
        ranked.source_record_id,
        ranked.signal_at as consent_updated_at,
        signal_loads.loaded_at,
        customers.resolved_at as identity_resolved_at

    from scope as customers
    cross join channels
    left join ranked
        on customers.golden_id = ranked.golden_id
        and channels.channel = ranked.channel
        and ranked.signal_rank = 1
    left join signal_loads
        on customers.golden_id = signal_loads.golden_id

)

select * from final
