{#- `marts.fct_orders` as it is: it holds no direct identifier (ids are pseudonymous). -#}

{{ config(alias='fct_orders') }}

with

fct_orders as (

    select * from {{ ref('fct_orders') }}

),

final as (

    select * from fct_orders

)

select * from final
