{#-
    The order that puts the consent signal that holds first: the most recent wins;
    signals without a time lose to dated ones; on a tie the more restrictive status
    wins (privacy first), then the source order erp blacklist > email > shop, then the
    record id (so the choice never depends on row order).
-#}
{% macro consent_precedence(signal_at='signal_at', status='consent_status',
                            source='consent_source', record='source_record_id') -%}
    {{ signal_at }} desc nulls last,
    case {{ status }}
        when 'unsubscribed' then 1
        when 'cleaned' then 2
        when 'not_subscribed' then 3
        when 'pending' then 4
        when 'subscribed' then 5
        else 6
    end,
    case {{ source }}
        when 'erp' then 1
        when 'email' then 2
        when 'shop' then 3
        else 4
    end,
    {{ record }}
{%- endmacro %}
