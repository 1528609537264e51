{#- `marts.fct_touchpoints` as it is: it holds no direct identifier (ids are pseudonymous). -#}

{{ config(alias='fct_touchpoints') }}

with

fct_touchpoints as (

    select * from {{ ref('fct_touchpoints') }}

),

final as (

    select * from fct_touchpoints

)

select * from final
