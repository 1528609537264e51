{#- A Shopify marketing consent state (email or SMS) as a cdpkit consent status. -#}
{% macro shopify_consent_status(state) -%}
    case {{ state }}
        when 'SUBSCRIBED' then 'subscribed'
        when 'UNSUBSCRIBED' then 'unsubscribed'
        when 'NOT_SUBSCRIBED' then 'not_subscribed'
        when 'PENDING' then 'pending'
        when 'INVALID' then 'cleaned'
        else 'unknown'
    end
{%- endmacro %}
