{{
    config(
        materialized='incremental',
        unique_key=['source', 'source_id'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
        tags=['pre_identity'],
        meta={'dagster': {'group': 'identity'}, 'tests_scope': 'load'},
        post_hook="{{ record_load_scoped_build() }}",
    )
}}

{#-
    One row per person-bearing source record, in the shape identity reads (data
    contract §4).

    Incremental by dlt load: a row's `dlt_load_id` is the newest load that shaped it
    (the record's own, its deletion's, an X user's newest message's), and a build
    rebuilds the records of the loads after the newest one the table holds: those
    loaded since, plus those a later deletion or message changed. Their ids are read
    first, so every source is filtered by constants its scan can use (a semi-join
    would compute every staged row first). Records are never removed by a load (a
    deletion flips `is_active`); an erasure deletes its rows here as everywhere.
-#}
{#- a table from before `source_created_at` is rebuilt whole once, to fill it in -#}
{%- set newest = newest_in_this('dlt_load_id') if column_in_this('source_created_at')
                 else none -%}

with

shop_deleted_customers as (

    select source_id, dlt_load_id from {{ ref('stg_shop__deletions') }}
    where stream = 'customers'

),

erp_deleted_partners as (

    select source_id, dlt_load_id from {{ ref('stg_erp__deletions') }}
    where stream = 'partners'

),

shop_customers as (

    {{ records_loaded_since(ref('stg_shop__customers'), 'customer_id', newest,
                            ref('stg_shop__deletions'), 'source_id', "stream = 'customers'") }}

),

erp_partners as (

    {{ records_loaded_since(ref('stg_erp__partners'),
                            'cast(partner_id as ' ~ dbt.type_string() ~ ')', newest,
                            ref('stg_erp__deletions'), 'source_id', "stream = 'partners'") }}

),

email_members as (

    {{ records_loaded_since(ref('stg_email__members'), 'member_id', newest) }}

),

social_users as (

    {{ records_loaded_since(ref('stg_social__users'), 'user_id', newest,
                            ref('stg_social__dm_events'), 'sender_user_id',
                            'message_text is not null') }}

),

social_messages as (

    -- What each X user wrote to the brand: customers DM their email or phone number
    -- to support, the strongest key an X profile ever carries.
    select
        sender_user_id as user_id,
        {{ dbt.listagg('message_text', "' | '", 'order by created_at') }} as messages,
        max(dlt_load_id) as dlt_load_id

    from {{ ref('stg_social__dm_events') }}
    where message_text is not null
    {%- if newest is not none %}
        and sender_user_id in (select user_id from social_users)
    {%- endif %}
    group by sender_user_id

),

shop_records as (

    select
        'shop' as source,
        customer_id as source_id,
        first_name,
        last_name,
        nullif(
            trim({{ dbt.concat(["coalesce(first_name, '')", "' '", "coalesce(last_name, '')"]) }}),
            ''
        ) as full_name,
        email,
        coalesce(phone, address_phone) as phone,
        street,
        city,
        postcode,
        country_code,
        cast(null as {{ dbt.type_string() }}) as free_text,
        cast(null as {{ dbt.type_string() }}) as cross_ref,
        shop_customers.is_active and shop_deleted_customers.source_id is null as is_active,
        updated_at as source_updated_at,
        created_at as source_created_at,
        greatest(shop_customers.dlt_load_id, shop_deleted_customers.dlt_load_id) as dlt_load_id

    from shop_customers
    left join shop_deleted_customers
        on shop_customers.customer_id = shop_deleted_customers.source_id

),

erp_records as (

    -- Individuals only: companies are accounts, not people; their contacts are kept.
    select
        'erp' as source,
        cast(partner_id as {{ dbt.type_string() }}) as source_id,
        cast(null as {{ dbt.type_string() }}) as first_name,
        cast(null as {{ dbt.type_string() }}) as last_name,
        partner_name as full_name,
        email,
        coalesce(phone, mobile) as phone,
        street,
        city,
        postcode,
        country_code,
        cast(null as {{ dbt.type_string() }}) as free_text,
        partner_ref as cross_ref,
        erp_partners.is_active and erp_deleted_partners.source_id is null as is_active,
        updated_at as source_updated_at,
        created_at as source_created_at,
        greatest(erp_partners.dlt_load_id, erp_deleted_partners.dlt_load_id) as dlt_load_id

    from erp_partners
    left join erp_deleted_partners
        on cast(erp_partners.partner_id as {{ dbt.type_string() }})
            = erp_deleted_partners.source_id
    where not is_company

),

email_records as (

    select
        'email' as source,
        member_id as source_id,
        first_name,
        last_name,
        full_name,
        email,
        phone,
        street,
        city,
        postcode,
        coalesce(address_country, location_country_code) as country_code,
        cast(null as {{ dbt.type_string() }}) as free_text,
        cast(null as {{ dbt.type_string() }}) as cross_ref,
        is_active,
        last_changed_at as source_updated_at,
        -- Mailchimp's signup time, else the opt-in's (a member added by API has none)
        coalesce(signed_up_at, opted_in_at) as source_created_at,
        dlt_load_id

    from email_members

),

social_records as (

    -- The brand's own account is not a customer. X users have no last-change time.
    select
        'social' as source,
        user_id as source_id,
        cast(null as {{ dbt.type_string() }}) as first_name,
        cast(null as {{ dbt.type_string() }}) as last_name,
        display_name as full_name,
        cast(null as {{ dbt.type_string() }}) as email,
        cast(null as {{ dbt.type_string() }}) as phone,
        cast(null as {{ dbt.type_string() }}) as street,
        cast(null as {{ dbt.type_string() }}) as city,
        cast(null as {{ dbt.type_string() }}) as postcode,
        cast(null as {{ dbt.type_string() }}) as country_code,
        -- concat_ws skips NULLs (DuckDB and PostgreSQL alike): the bio, then the DMs
        nullif(
            concat_ws(' | ', nullif(social_users.description, ''), social_messages.messages),
            ''
        ) as free_text,
        cast(null as {{ dbt.type_string() }}) as cross_ref,
        social_users.is_active,
        social_users.created_at as source_updated_at,
        social_users.created_at as source_created_at,
        greatest(social_users.dlt_load_id, social_messages.dlt_load_id) as dlt_load_id

    from social_users
    left join social_messages using (user_id)
    where not is_brand_account

),

final as (

    select * from shop_records
    union all
    select * from erp_records
    union all
    select * from email_records
    union all
    select * from social_records

)

select * from final
