{#-
    Every email-consent signal we hold for a golden customer, one row per signal:
    - email: the Mailchimp member status, as of `last_changed`;
    - shop: Shopify emailMarketingConsent.marketingState, as of `consentUpdatedAt`
      (REDACTED carries no consent and is left out; INVALID means the address is dead);
    - erp: an active Odoo mail.blacklist entry for any email of the customer's records,
      as of its `write_date`.
-#}

with

crosswalk as (

    select * from {{ ref('stg_identity__crosswalk') }}

),

email_members as (

    select * from {{ ref('stg_email__members') }}

),

shop_customers as (

    select * from {{ ref('stg_shop__customers') }}

),

erp_blacklist as (

    select * from {{ ref('stg_erp__blacklist') }}

),

customer_records as (

    select * from {{ ref('int_customer_records_unioned') }}

),

email_signals as (

    select
        crosswalk.golden_id,
        'email' as consent_source,
        email_members.member_id as source_record_id,
        case email_members.member_status
            when 'subscribed' then 'subscribed'
            when 'unsubscribed' then 'unsubscribed'
            when 'cleaned' then 'cleaned'
            when 'pending' then 'pending'
            when 'transactional' then 'not_subscribed'
            when 'archived' then 'not_subscribed'
            else 'unknown'
        end as consent_status,
        email_members.last_changed_at as signal_at,
        {{ dlt_loaded_at('email_members.dlt_load_id') }} as loaded_at

    from email_members
    inner join crosswalk
        on crosswalk.source = 'email'
        and crosswalk.source_id = email_members.member_id

),

shop_signals as (

    select
        crosswalk.golden_id,
        'shop' as consent_source,
        shop_customers.customer_id as source_record_id,
        {{ shopify_consent_status('shop_customers.email_marketing_state') }}
            as consent_status,
        shop_customers.email_consent_updated_at as signal_at,
        {{ dlt_loaded_at('shop_customers.dlt_load_id') }} as loaded_at

    from shop_customers
    inner join crosswalk
        on crosswalk.source = 'shop'
        and crosswalk.source_id = shop_customers.customer_id
    where shop_customers.email_marketing_state is not null
        and shop_customers.email_marketing_state <> 'REDACTED'

),

customer_emails as (

    select distinct
        crosswalk.golden_id,
        {{ normalize_email('customer_records.email') }} as email_normalized

    from customer_records
    inner join crosswalk
        on customer_records.source = crosswalk.source
        and customer_records.source_id = crosswalk.source_id
    where customer_records.email is not null

),

blacklist_signals as (

    select
        customer_emails.golden_id,
        'erp' as consent_source,
        cast(erp_blacklist.blacklist_id as {{ dbt.type_string() }}) as source_record_id,
        'unsubscribed' as consent_status,
        erp_blacklist.updated_at as signal_at,
        {{ dlt_loaded_at('erp_blacklist.dlt_load_id') }} as loaded_at

    from erp_blacklist
    inner join customer_emails
        on erp_blacklist.email_normalized = customer_emails.email_normalized
    where erp_blacklist.is_active

),

final as (

    select * from email_signals
    union all
    select * from shop_signals
    union all
    select * from blacklist_signals

)

select * from final
