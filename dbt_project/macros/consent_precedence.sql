{#-
    The order that puts the consent event that holds first, among all the events of a
    golden customer's records (from any source) on one channel and purpose:

    1. explicit or blocking events first: granted and withdrawn (the person's own act)
       and undeliverable (the address or number is dead). A pending or not_granted
       state never overrides them, however recent: a later Mailchimp `transactional`
       does not undo an explicit Shopify grant.
    2. among them the most recent (undated last): a withdrawal in any system blocks
       the channel everywhere until a later explicit grant, and when records merge
       into one customer, the most restrictive current state of its members holds
       until a later grant. When a profile splits, each part keeps the events of its
       own records (events are mapped to customers through the crosswalk on reading).
    3. on a tie in time the more restrictive: withdrawn, undeliverable, granted; then,
       among the other events, pending before not_granted;
    4. then the source (erp blacklist, email, shop), the record id and the event key,
       so the choice never depends on row order.
-#}
{% macro consent_precedence(event_at='event_at', action='action', source='source',
                            record='source_record_id', event_key='event_key') -%}
    case when {{ action }} in ('granted', 'withdrawn', 'undeliverable') then 1 else 2 end,
    {{ event_at }} desc nulls last,
    case {{ action }}
        when 'withdrawn' then 1
        when 'undeliverable' then 2
        when 'granted' then 3
        when 'pending' then 4
        when 'not_granted' then 5
        else 6
    end,
    case {{ source }}
        when 'erp' then 1
        when 'email' then 2
        when 'shop' then 3
        else 4
    end,
    {{ record }},
    {{ event_key }}
{%- endmacro %}
