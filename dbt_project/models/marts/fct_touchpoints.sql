{#- The cross-channel customer journey: one row per interaction, with its golden customer. -#}

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
        cast(touchpoints.amount_reporting as numeric(18, 2)) as amount_reporting

    from touchpoints

)

select * from final
