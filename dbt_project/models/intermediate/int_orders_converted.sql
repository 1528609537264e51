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

rate_candidates as (

    select
        orders.source,
        orders.order_id,
        fx_rates.rate,
        row_number() over (
            partition by orders.source, orders.order_id
            order by fx_rates.valid_from desc
        ) as recency

    from orders
    inner join fx_rates
        on orders.currency_code = fx_rates.currency_code
        and fx_rates.valid_from <= cast(orders.ordered_at as date)

),

order_rates as (

    select
        source,
        order_id,
        rate

    from rate_candidates
    where recency = 1

),

final as (

    select
        orders.*,
        '{{ var("reporting_currency") }}' as reporting_currency_code,
        cast(
            case
                when orders.currency_code = '{{ var("reporting_currency") }}' then 1.0
                else order_rates.rate
            end
            as numeric(18, 8)
        ) as fx_rate

    from orders
    left join order_rates
        on orders.source = order_rates.source
        and orders.order_id = order_rates.order_id

)

select
    *,
    fx_rate is not null as has_fx_rate,
    cast(gross_amount * fx_rate as numeric(18, 2)) as gross_amount_reporting,
    cast(refunded_amount * fx_rate as numeric(18, 2)) as refunded_amount_reporting,
    cast(net_amount * fx_rate as numeric(18, 2)) as net_amount_reporting

from final
