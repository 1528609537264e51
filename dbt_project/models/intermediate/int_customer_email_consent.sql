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
            order by
                signal_at desc nulls last,
                case consent_status
                    when 'unsubscribed' then 1
                    when 'cleaned' then 2
                    when 'not_subscribed' then 3
                    when 'pending' then 4
                    when 'subscribed' then 5
                    else 6
                end,
                case consent_source
                    when 'erp' then 1
                    when 'email' then 2
                    when 'shop' then 3
                    else 4
                end,
                source_record_id
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
