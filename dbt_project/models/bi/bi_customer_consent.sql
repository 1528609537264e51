{#- `marts.customer_consent` as it is: it holds no direct identifier (ids are pseudonymous). -#}

{{ config(alias='customer_consent') }}

with

customer_consent as (

    select * from {{ ref('customer_consent') }}

),

final as (

    select * from customer_consent

)

select * from final
