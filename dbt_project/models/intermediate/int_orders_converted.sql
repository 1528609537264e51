{#-
    Every order of `int_orders_unioned` with its amounts also in the reporting currency
    (var `reporting_currency`, EUR by default). The rate is the latest one in the
    `fx_rates` seed whose `valid_from` is on or before the order date; an order in
    the reporting currency needs none. An order without a rate keeps its own amounts,
    gets NULL reporting amounts and `has_fx_rate = false`, and a warning test lists it.
-#}

with

orders as (

    select * from {{ ref('int_orders_unioned') }}

),

fx_rates as (

    select * from {{ ref('fx_rates') }}
    where quote_currency_code = '{{ var("reporting_currency") }}'

),

rate_periods as (

    -- each rate holds from its date until the next rate of its currency; the orders are
    -- joined once, so a filter on them (an incremental build's) reaches their sources
    select
        currency_code,
        rate,
        valid_from,
        lead(valid_from) over (partition by currency_code order by valid_from) as valid_until

    from fx_rates

),

final as (

    select
        orders.*,
        '{{ var("reporting_currency") }}' as reporting_currency_code,
        cast(
            case
                when orders.currency_code = '{{ var("reporting_currency") }}' then 1.0
                else rate_periods.rate
            end
            as numeric(18, 8)
        ) as fx_rate

    from orders
    left join rate_periods
        on orders.currency_code = rate_periods.currency_code
        and cast(orders.ordered_at as date) >= rate_periods.valid_from
        and (rate_periods.valid_until is null
            or cast(orders.ordered_at as date) < rate_periods.valid_until)

)

select
    *,
    fx_rate is not null as has_fx_rate,
    cast(gross_amount * fx_rate as numeric(18, 2)) as gross_amount_reporting,
    cast(refunded_amount * fx_rate as numeric(18, 2)) as refunded_amount_reporting,
    cast(net_amount * fx_rate as numeric(18, 2)) as net_amount_reporting

from final
