{#-
    `marts.dim_customers` for a BI tool that must not see who a customer is: the email
    as a SHA-256 of its normalised form, and no name, phone or street (nor which record
    they came from). City, postcode and country stay for geography.
-#}

{{ config(alias='dim_customers') }}

with

customers as (

    select * from {{ ref('dim_customers') }}

),

final as (

    select
        customers.golden_id,
        case
            when customers.email is not null
                then {{ cdpkit.sha256_hex(cdpkit.normalize_email('customers.email')) }}
        end as email_sha256,
        customers.email is not null as has_email,
        customers.phone is not null as has_phone,
        customers.street is not null as has_street,
        customers.city,
        customers.postcode,
        customers.country_code,
        customers.city_source,
        customers.postcode_source,
        customers.country_code_source,
        customers.source_systems,
        customers.member_count,
        customers.shop_customer_count,
        customers.erp_partner_count,
        customers.email_member_count,
        customers.social_profile_count,
        customers.first_seen_at,
        customers.last_seen_at,
        customers.order_count,
        customers.first_order_at,
        customers.last_order_at,
        customers.gross_revenue,
        customers.refunded_amount,
        customers.net_revenue,
        customers.email_consent_status,
        customers.email_consent_source,
        customers.email_consent_updated_at,
        customers.can_email,
        customers.can_sms,
        customers.rfm_segment,
        customers.churn_risk,
        customers.predicted_12m_value,
        customers.engagement_score,
        customers.preferred_channel,
        customers.row_changed_at

    from customers

)

select * from final
