{#-
    Every interaction a customer had with the brand other than an order, one row each:
    posted customer invoices and credit notes (ERP), email activity (sent, open, click,
    bounce, unsubscribe), and X mentions, replies and direct messages sent to the
    brand. Each row carries the source record of the person (`source`,
    `source_record_id`); the brand's own posts and messages are not customer
    touchpoints. `fct_touchpoints` joins the golden customer in and adds the orders.

    Incremental, by dlt load: a build reads only the raw rows of the loads after the
    newest one the table holds (`dlt_load_id`, compared as text: the filter reaches
    the raw tables' scans) and replaces them by key. The golden id is not here on
    purpose: a merge or a split re-resolves a few thousand people, and
    `fct_touchpoints` finds their interactions in this table by source record
    instead of computing every interaction again. `--full-refresh` rebuilds it whole,
    which also drops interactions whose source rows are gone.
-#}

{{
    config(
        materialized='incremental',
        unique_key='touchpoint_key',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

{#- the newest load the table holds, read once for the four sources' filters -#}
{%- set newest_load = newest_in_this('dlt_load_id') %}

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
        {{ dlt_loaded_at('invoices.dlt_load_id') }} as loaded_at,
        invoices.dlt_load_id

    from invoices
    where {{ loaded_since_last_build('invoices.dlt_load_id', newest_load) }}
        and invoices.is_posted
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
        {{ dlt_loaded_at('email_activity.dlt_load_id') }} as loaded_at,
        email_activity.dlt_load_id

    from email_activity
    where {{ loaded_since_last_build('email_activity.dlt_load_id', newest_load) }}
        and email_activity.action in ('sent', 'open', 'click', 'bounce', 'unsubscribe')

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
        {{ dlt_loaded_at('tweets.dlt_load_id') }} as loaded_at,
        tweets.dlt_load_id

    from tweets
    where {{ loaded_since_last_build('tweets.dlt_load_id', newest_load) }}
        and tweets.author_user_id <> '{{ var("brand_x_user_id") }}'

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
        {{ dlt_loaded_at('direct_messages.dlt_load_id') }} as loaded_at,
        direct_messages.dlt_load_id

    from direct_messages
    where {{ loaded_since_last_build('direct_messages.dlt_load_id', newest_load) }}
        and direct_messages.sender_user_id <> '{{ var("brand_x_user_id") }}'

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
        unioned.dlt_load_id

    from unioned

)

select * from final
