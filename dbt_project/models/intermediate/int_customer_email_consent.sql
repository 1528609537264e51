{#-
    The email consent of each golden customer: the most recent signal wins. Signals
    without a time lose to dated ones. On a tie the more restrictive status wins
    (privacy first), then the source order erp blacklist > email > shop.
-#}

with

signals as (

    select * from {{ ref('int_email_consent_signals') }}

),

ranked as (

    select
        golden_id,
        consent_status,
        consent_source,
        signal_at,
        row_number() over (
            partition by golden_id
            order by {{ consent_precedence() }}
        ) as signal_rank

    from signals
    where golden_id is not null

),

final as (

    select
        golden_id,
        consent_status as email_consent_status,
        consent_source as email_consent_source,
        signal_at as email_consent_updated_at

    from ranked
    where signal_rank = 1

)

select * from final
