{#-
    Every interaction a customer had with the brand other than an order, one row each:
    posted customer invoices and credit notes (ERP), email activity (sent, open, click,
    bounce, unsubscribe), and X mentions, replies and direct messages sent to the
    brand. Each row carries the source record of the person (`source`,
    `source_record_id`) and the golden customer it resolved to; the brand's own posts
    and messages are not customer touchpoints. `fct_touchpoints` adds the orders from
    `fct_orders`, which holds them already converted and resolved.
-#}

with

invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

email_activity as (

    select * from {{ ref('stg_email__activity') }}

),

tweets as (

    select * from {{ ref('stg_social__tweets') }}

),

direct_messages as (

    select * from {{ ref('stg_social__dm_events') }}

),

crosswalk as (

    select * from {{ ref('stg_identity__crosswalk') }}

),

invoice_touchpoints as (

    select
        'erp' as source,
        cast(invoices.partner_id as {{ dbt.type_string() }}) as source_record_id,
        case when invoices.move_type = 'out_refund' then 'credit_note' else 'invoice' end
            as touchpoint_type,
        cast(invoices.invoice_id as {{ dbt.type_string() }}) as reference_id,
        coalesce(cast(invoices.invoice_date as {{ dbt.type_timestamp() }}), invoices.created_at)
            as occurred_at,
        invoices.amount_total as amount,
        invoices.currency_code,
        cast(null as numeric(18, 2)) as amount_reporting,
        {{ dlt_loaded_at('invoices.dlt_load_id') }} as loaded_at

    from invoices
    where invoices.is_posted
        and invoices.move_type in ('out_invoice', 'out_refund')

),

email_touchpoints as (

    select
        'email' as source,
        email_activity.member_id as source_record_id,
        {{ dbt.concat(["'email_'", "email_activity.action"]) }} as touchpoint_type,
        email_activity.campaign_id as reference_id,
        email_activity.occurred_at,
        cast(null as numeric(18, 2)) as amount,
        cast(null as {{ dbt.type_string() }}) as currency_code,
        cast(null as numeric(18, 2)) as amount_reporting,
        {{ dlt_loaded_at('email_activity.dlt_load_id') }} as loaded_at

    from email_activity
    where email_activity.action in ('sent', 'open', 'click', 'bounce', 'unsubscribe')

),

tweet_touchpoints as (

    select
        'social' as source,
        tweets.author_user_id as source_record_id,
        case when tweets.is_reply then 'social_reply' else 'social_mention' end
            as touchpoint_type,
        tweets.tweet_id as reference_id,
        tweets.created_at as occurred_at,
        cast(null as numeric(18, 2)) as amount,
        cast(null as {{ dbt.type_string() }}) as currency_code,
        cast(null as numeric(18, 2)) as amount_reporting,
        {{ dlt_loaded_at('tweets.dlt_load_id') }} as loaded_at

    from tweets
    where tweets.author_user_id <> '{{ var("brand_x_user_id") }}'

),

message_touchpoints as (

    select
        'social' as source,
        direct_messages.sender_user_id as source_record_id,
        'social_message' as touchpoint_type,
        direct_messages.dm_event_id as reference_id,
        direct_messages.created_at as occurred_at,
        cast(null as numeric(18, 2)) as amount,
        cast(null as {{ dbt.type_string() }}) as currency_code,
        cast(null as numeric(18, 2)) as amount_reporting,
        {{ dlt_loaded_at('direct_messages.dlt_load_id') }} as loaded_at

    from direct_messages
    where direct_messages.sender_user_id <> '{{ var("brand_x_user_id") }}'

),

unioned as (

    select * from invoice_touchpoints
    union all
    select * from email_touchpoints
    union all
    select * from tweet_touchpoints
    union all
    select * from message_touchpoints

),

final as (

    select
        {{ touchpoint_key('unioned.source', 'unioned.touchpoint_type', 'unioned.reference_id',
                          'unioned.source_record_id', 'unioned.occurred_at') }}
            as touchpoint_key,
        crosswalk.golden_id,
        {{ touchpoint_channel('unioned.source') }} as channel,
        unioned.touchpoint_type,
        unioned.occurred_at,
        unioned.source,
        unioned.source_record_id,
        unioned.reference_id,
        cast(unioned.amount as numeric(18, 2)) as amount,
        unioned.currency_code,
        cast(unioned.amount_reporting as numeric(18, 2)) as amount_reporting,
        unioned.loaded_at,
        crosswalk.resolved_at as identity_resolved_at

    from unioned
    left join crosswalk
        on unioned.source = crosswalk.source
        and unioned.source_record_id = crosswalk.source_id

)

select * from final
