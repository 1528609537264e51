{#-
    The current marketing consent per golden customer and channel (email, SMS), with
    the signal it came from; a customer without any signal on a channel is `unknown`
    there and not contactable. Precedence: `consent_precedence` (latest first, then
    the more restrictive).
-#}

{{
    config(
        materialized='incremental',
        unique_key='consent_key',
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
        shop_customers.sms_consent_updated_at as signal_at

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
        signal_at

    from email_signals

    union all

    select
        'sms' as channel,
        golden_id,
        consent_source,
        source_record_id,
        consent_status,
        signal_at

    from sms_signals

),

ranked as (

    select
        signals.*,
        row_number() over (
            partition by golden_id, channel
            order by {{ consent_precedence() }}
        ) as signal_rank

    from signals
    where golden_id is not null

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
        ranked.signal_at as consent_updated_at

    from customers
    cross join channels
    left join ranked
        on customers.golden_id = ranked.golden_id
        and channels.channel = ranked.channel
        and ranked.signal_rank = 1

)

{{ only_changed_rows('final') }}
