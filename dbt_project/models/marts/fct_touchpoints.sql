{#-
    The cross-channel customer journey: one row per interaction, with its golden customer.

    Incremental: a build takes the touchpoints loaded since the last one, and those
    whose person the identity step re-resolved since (a merge or split moves them to
    another golden id), and replaces them by key. `dbt build --full-refresh` rebuilds
    it whole, which also drops touchpoints whose source rows are gone.
-#}

{{
    config(
        materialized='incremental',
        unique_key='touchpoint_key',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

with

touchpoints as (

    select * from {{ ref('int_touchpoints_unioned') }}

),

{% if is_incremental() %}
last_build as (

    select
        max(loaded_at) as loaded_at,
        max(identity_resolved_at) as identity_resolved_at

    from {{ this }}

),
{% endif %}

final as (

    select
        touchpoints.touchpoint_key,
        touchpoints.golden_id,
        touchpoints.channel,
        touchpoints.touchpoint_type,
        touchpoints.occurred_at,
        touchpoints.source,
        touchpoints.source_record_id,
        touchpoints.reference_id,
        cast(touchpoints.amount as numeric(18, 2)) as amount,
        touchpoints.currency_code,
        cast(touchpoints.amount_reporting as numeric(18, 2)) as amount_reporting,
        touchpoints.loaded_at,
        touchpoints.identity_resolved_at

    from touchpoints
    {% if is_incremental() %}
    cross join last_build
    where last_build.loaded_at is null
        or touchpoints.loaded_at > last_build.loaded_at
        or touchpoints.identity_resolved_at > last_build.identity_resolved_at
        or (touchpoints.identity_resolved_at is not null
            and last_build.identity_resolved_at is null)
    {% endif %}

)

select * from final
