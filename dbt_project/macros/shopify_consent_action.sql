{#-
    A Shopify marketing consent state (email or SMS) as a consent ledger action:
    SUBSCRIBED granted, UNSUBSCRIBED withdrawn, PENDING pending (awaiting the
    confirmation of a double opt-in), NOT_SUBSCRIBED not_granted, INVALID undeliverable
    (the address or number is dead). REDACTED (erased) and no state are no event: the
    caller leaves them out. Any other state gives NULL, which the ledger's not-null
    constraint on `action` refuses, so a new Shopify state fails the build instead of
    passing as some other action.
-#}
{% macro shopify_consent_action(state) -%}
    case {{ state }}
        when 'SUBSCRIBED' then 'granted'
        when 'UNSUBSCRIBED' then 'withdrawn'
        when 'PENDING' then 'pending'
        when 'NOT_SUBSCRIBED' then 'not_granted'
        when 'INVALID' then 'undeliverable'
    end
{%- endmacro %}
