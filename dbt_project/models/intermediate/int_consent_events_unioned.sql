{#-
    Every consent event the sources show now, one row per event: whose (a source
    record, or an email address), for which channel and purpose, what happened
    (`action`), how (`method`) and when. The sources keep only their current state, so
    `consent_ledger` appends the events it has not seen yet and keeps them when the
    source overwrites them.

    - shop: each Shopify customer's email and SMS marketing consent, as of its
      consentUpdatedAt (REDACTED, or no state, is no event; INVALID: the address or
      number is dead);
    - email: each Mailchimp member's status (subscribed as of the opt-in, `timestamp_opt`,
      the rest as of `last_changed`), and each unsubscribe in the campaign activity;
    - erp: each active Odoo mail.blacklist entry, as of its `write_date`: it blocks an
      email address, not a person record, so it reaches every customer holding that
      address (`applies_to = 'email_address'`). A lifted (inactive) entry is no event:
      lifting a block gives no consent.

    The X data (users, tweets, direct messages) carries no consent signal: it has no
    part here.
-#}

with

shop_customers as (

    select * from {{ ref('stg_shop__customers') }}

),

email_members as (

    select * from {{ ref('stg_email__members') }}

),

email_activity as (

    select * from {{ ref('stg_email__activity') }}

),

erp_blacklist as (

    select * from {{ ref('stg_erp__blacklist') }}

),

shop_events as (

    -- Shopify holds one marketing consent per channel, in columns of the same shape
    {%- for channel in ['email', 'sms'] %}
    select
        'shop' as source,
        customer_id as source_record_id,
        'source_record' as applies_to,
        cast(null as {{ dbt.type_string() }}) as email_normalized,
        '{{ channel }}' as channel,
        'marketing' as purpose,
        {{ shopify_consent_action(channel ~ '_marketing_state') }} as action,
        'shopify_{{ channel }}_marketing_consent' as method,
        {{ channel }}_marketing_opt_in_level as opt_in_level,
        {{ channel }}_marketing_state as source_status,
        {{ channel }}_consent_updated_at as event_at,
        {{ dlt_loaded_at('dlt_load_id') }} as loaded_at,
        dlt_load_id

    from shop_customers
    where {{ channel }}_marketing_state is not null
        and {{ channel }}_marketing_state <> 'REDACTED'
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

member_events as (

    select
        'email' as source,
        member_id as source_record_id,
        'source_record' as applies_to,
        cast(null as {{ dbt.type_string() }}) as email_normalized,
        'email' as channel,
        'marketing' as purpose,
        case member_status
            when 'subscribed' then 'granted'
            when 'unsubscribed' then 'withdrawn'
            when 'cleaned' then 'undeliverable'
            when 'pending' then 'pending'
            when 'transactional' then 'not_granted'
            when 'archived' then 'not_granted'
        end as action,
        'mailchimp_member_status' as method,
        cast(null as {{ dbt.type_string() }}) as opt_in_level,
        member_status as source_status,
        -- a subscription dates from the opt-in; `last_changed` moves with any edit
        case
            when member_status = 'subscribed' then coalesce(opted_in_at, last_changed_at)
            else last_changed_at
        end as event_at,
        {{ dlt_loaded_at('dlt_load_id') }} as loaded_at,
        dlt_load_id

    from email_members
    where member_status is not null

),

unsubscribe_events as (

    select
        'email' as source,
        member_id as source_record_id,
        'source_record' as applies_to,
        cast(null as {{ dbt.type_string() }}) as email_normalized,
        'email' as channel,
        'marketing' as purpose,
        'withdrawn' as action,
        'mailchimp_unsubscribe' as method,
        cast(null as {{ dbt.type_string() }}) as opt_in_level,
        action as source_status,
        occurred_at as event_at,
        {{ dlt_loaded_at('dlt_load_id') }} as loaded_at,
        dlt_load_id

    from email_activity
    where action = 'unsubscribe'

),

blacklist_events as (

    select
        'erp' as source,
        cast(blacklist_id as {{ dbt.type_string() }}) as source_record_id,
        'email_address' as applies_to,
        email_normalized,
        'email' as channel,
        'marketing' as purpose,
        'withdrawn' as action,
        'odoo_mail_blacklist' as method,
        cast(null as {{ dbt.type_string() }}) as opt_in_level,
        'active' as source_status,
        coalesce(updated_at, created_at) as event_at,
        {{ dlt_loaded_at('dlt_load_id') }} as loaded_at,
        dlt_load_id

    from erp_blacklist
    where is_active

),

unioned as (

    select * from shop_events
    union all
    select * from member_events
    union all
    select * from unsubscribe_events
    union all
    select * from blacklist_events

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "coalesce(source, '')", "'|'",
            "coalesce(source_record_id, '')", "'|'",
            "coalesce(channel, '')", "'|'",
            "coalesce(purpose, '')", "'|'",
            "coalesce(action, '')", "'|'",
            "coalesce(method, '')", "'|'",
            "coalesce(cast(event_at as " ~ dbt.type_string() ~ "), '')",
        ])) }} as event_key,
        source,
        source_record_id,
        applies_to,
        email_normalized,
        channel,
        purpose,
        action,
        -- granted and withdrawn are the person's own act; the rest a state
        coalesce(action in ('granted', 'withdrawn'), false) as is_explicit,
        method,
        opt_in_level,
        source_status,
        event_at,
        loaded_at,
        dlt_load_id

    from unioned

)

select * from final
