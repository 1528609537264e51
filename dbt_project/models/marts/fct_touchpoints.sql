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
    where {{ changed_since_last_build('touchpoints') }}
    {% endif %}

)

select * from final
