{#-
    The current marketing consent per golden customer and channel (email, SMS), derived
    from `consent_ledger`, with the event it came from; a customer without any event on
    a channel is `unknown` there and not contactable.

    Events reach customers when they are read: an event of a source record through the
    identity crosswalk, an event of an email address (an Odoo blacklist entry) through
    the emails of the customer's records. So a merge gathers the events of every record
    merged, and a split leaves each part the events of its own records.

    Precedence (`consent_precedence`): the most recent explicit or blocking event
    (granted, withdrawn, undeliverable) of any of the customer's records holds, on a tie
    in time withdrawn, then undeliverable, then granted; a withdrawal anywhere blocks the
    channel until a later grant. Only without any of those does the most recent pending
    or not_granted state hold.

    Incremental: a customer's consent follows from their records' events, so a build
    redoes the customers whose profile identity resolved since the last build (a merge,
    a split, a record added or changed) or who have an event recorded in the ledger
    since, and a post-hook deletes the customers merged away.
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

{#- what each event carries from the ledger, whichever way it reaches a customer -#}
{%- set ledger_event_columns = [
    'event_key', 'source', 'source_record_id', 'channel', 'purpose', 'action', 'method',
    'opt_in_level', 'event_at', 'recorded_at',
] %}

{#- Each relation is read where it is used, not through a shared CTE: DuckDB copies a
    CTE read more than once whole (the ledger and the crosswalk hold a row per record)
    before any filter. -#}
with

channels as (

    select 'email' as channel, 'marketing' as purpose
    union all
    select 'sms' as channel, 'marketing' as purpose

),

{% if is_incremental() %}
{#- the table's watermarks, read once for every filter below -#}
{%- set newest = newest_values_in_this(['loaded_at', 'identity_resolved_at', 'row_changed_at']) %}
{#- blacklist entries are rare: without a new one, no record's email is normalised -#}
{%- set address_events_query -%}
    select count(*) from {{ ref('consent_ledger') }}
    where applies_to = 'email_address' and recorded_at > {{ timestamp_bound(newest.loaded_at) }}
{%- endset -%}
{%- set new_address_events = execute
                             and run_query(address_events_query).columns[0].values()[0] > 0 %}
new_events as (

    select * from {{ ref('consent_ledger') }}
    where recorded_at > {{ timestamp_bound(newest.loaded_at) }}

),

changed_customers as (

    -- re-resolved customers, and those the new events reach: through the crosswalk, or
    -- through an email of one of their records (a blacklist entry)
    select golden_id from {{ ref('stg_identity__golden_profiles') }}
    where resolved_at > {{ timestamp_bound(newest.identity_resolved_at) }}
    {%- if newest.row_changed_at is none %}
        -- a table from before `row_changed_at`: every row is written once to get its stamp
        or true
    {%- endif %}

    union

    select crosswalk.golden_id
    from new_events
    inner join {{ ref('stg_identity__crosswalk') }} as crosswalk
        on new_events.source = crosswalk.source
        and new_events.source_record_id = crosswalk.source_id
    where new_events.applies_to = 'source_record'
    {%- if new_address_events %}

    union

    select crosswalk.golden_id
    from {{ ref('int_customer_records_unioned') }} as customer_records
    inner join {{ ref('stg_identity__crosswalk') }} as crosswalk
        on customer_records.source = crosswalk.source
        and customer_records.source_id = crosswalk.source_id
    where customer_records.email is not null
        and {{ normalize_email('customer_records.email') }} in (
            select email_normalized from new_events
            where applies_to = 'email_address'
        )
    {%- endif %}

),
{% endif %}

scope as (

    select * from {{ ref('stg_identity__golden_profiles') }}
    {% if is_incremental() %}
    where golden_id in (select golden_id from changed_customers)
    {% endif %}

),

scoped_crosswalk as (

    -- narrowed before the ledger is read: an incremental build maps only the events of
    -- the customers it redoes
    select * from {{ ref('stg_identity__crosswalk') }}
    where golden_id in (select golden_id from scope)

),

customer_emails as (

    select distinct
        scoped_crosswalk.golden_id,
        {{ normalize_email('customer_records.email') }} as email_normalized

    from {{ ref('int_customer_records_unioned') }} as customer_records
    inner join scoped_crosswalk
        on customer_records.source = scoped_crosswalk.source
        and customer_records.source_id = scoped_crosswalk.source_id
    where customer_records.email is not null

),

record_events as (

    select
        scoped_crosswalk.golden_id,
        {%- for column in ledger_event_columns %}
        ledger.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}

    from {{ ref('consent_ledger') }} as ledger
    inner join scoped_crosswalk
        on ledger.source = scoped_crosswalk.source
        and ledger.source_record_id = scoped_crosswalk.source_id
    where ledger.applies_to = 'source_record'

),

address_events as (

    select
        customer_emails.golden_id,
        {%- for column in ledger_event_columns %}
        ledger.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}

    from {{ ref('consent_ledger') }} as ledger
    inner join customer_emails
        on ledger.email_normalized = customer_emails.email_normalized
    where ledger.applies_to = 'email_address'

),

scoped_events as (

    select * from record_events
    union all
    select * from address_events

),

event_records as (

    select
        golden_id,
        max(recorded_at) as loaded_at

    from scoped_events
    group by golden_id

),

ranked as (

    select
        scoped_events.*,
        row_number() over (
            partition by golden_id, channel, purpose
            order by {{ consent_precedence() }}
        ) as event_rank

    from scoped_events

),

final as (

    select
        {{ dbt.concat(["customers.golden_id", "':'", "channels.channel", "':'",
                       "channels.purpose"]) }} as consent_key,
        customers.golden_id,
        channels.channel,
        channels.purpose,
        case ranked.action
            when 'granted' then 'subscribed'
            when 'withdrawn' then 'unsubscribed'
            when 'pending' then 'pending'
            when 'undeliverable' then 'cleaned'
            when 'not_granted' then 'not_subscribed'
            else 'unknown'
        end as consent_status,
        coalesce(ranked.action = 'granted', false) as can_contact,
        ranked.source as consent_source,
        ranked.source_record_id,
        ranked.event_at as consent_updated_at,
        event_records.loaded_at,
        customers.resolved_at as identity_resolved_at,
        ranked.event_key as consent_event_key,
        ranked.method as consent_method,
        ranked.opt_in_level,
        -- every row a build writes (dim_customers and the tests take those since)
        {{ utc_now() }} as row_changed_at

    from scope as customers
    cross join channels
    left join ranked
        on customers.golden_id = ranked.golden_id
        and channels.channel = ranked.channel
        and channels.purpose = ranked.purpose
        and ranked.event_rank = 1
    left join event_records
        on customers.golden_id = event_records.golden_id

)

select * from final
