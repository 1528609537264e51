{#- `marts.customer_metrics` as it is: it holds no direct identifier (ids are pseudonymous). -#}

{{ config(alias='customer_metrics') }}

with

customer_metrics as (

    select * from {{ ref('customer_metrics') }}

),

final as (

    select * from customer_metrics

)

select * from final
