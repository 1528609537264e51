{#-
    The consent ledger: every consent event any source has shown, one row each, kept for
    good. Shopify and Mailchimp hold only a customer's current consent and overwrite it
    on every change, so the history of who granted or withdrew what, when and how (the
    proof of consent) exists only here.

    Append-only: a build appends the events of `int_consent_events_unioned` loaded since
    the newest one the ledger holds (`recorded_at`, as a dlt load id) whose `event_key` it does not hold
    yet (a reload of an unchanged record is the same event). Rows are never updated or
    deleted, and `full_refresh=false` keeps a `--full-refresh` from rebuilding it out of
    the raw tables, which no longer hold the history.

    Events are keyed by source record (or email address), never by golden id: identity
    moves records between golden customers, so `customer_consent` maps the events to
    customers when it reads them.
-#}

{#- its tests read the events appended since the last build whose tests passed
    (macros/tests_scoped_to_build.sql) -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        full_refresh=false,
        on_schema_change='append_new_columns',
        meta={'tests_scope': 'row_changed', 'row_stamp': 'recorded_at', 'append_only': true},
        pre_hook="{{ record_row_stamped_build() }}",
    )
}}

with

events as (

    select * from {{ ref('int_consent_events_unioned') }}

),

new_events as (

    select * from events
    {% if is_incremental() %}
    -- the loads after the newest one the ledger holds, by the raw load id: compared as
    -- text it reaches the raw tables' scans, which skip the older loads' row groups
    -- (a filter on `loaded_at` had every raw row converted first)
    where dlt_load_id > {{ last_build_load_id('recorded_at') }}
        and not exists (
            select 1 from {{ this }} as ledger
            where ledger.event_key = events.event_key
        )
    {% endif %}

),

first_sightings as (

    -- one row per event, should a load hold it twice (a repeated activity row)
    select
        new_events.*,
        row_number() over (
            partition by event_key
            order by loaded_at, source_status, opt_in_level
        ) as sighting

    from new_events

),

final as (

    select
        event_key,
        source,
        source_record_id,
        applies_to,
        email_normalized,
        channel,
        purpose,
        action,
        is_explicit,
        method,
        opt_in_level,
        source_status,
        event_at,
        loaded_at as recorded_at

    from first_sightings
    where sighting = 1

)

select * from final
