{#- `marts.fct_order_lines` as it is: it holds no direct identifier (ids are pseudonymous). -#}

{{ config(alias='fct_order_lines') }}

with

fct_order_lines as (

    select * from {{ ref('fct_order_lines') }}

),

final as (

    select * from fct_order_lines

)

select * from final
