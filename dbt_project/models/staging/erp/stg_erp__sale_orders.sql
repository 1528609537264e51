with

source as (

    select * from {{ pipeline_source('raw_erp', 'sale_orders', [
        'id',
        'name',
        'amount_total',
        'amount_untaxed',
        'create_date',
        'currency_id',
        'currency_id__name',
        'date_order',
        'partner_id',
        'partner_id__name',
        'state',
        'write_date',
        '_dlt_load_id',
    ]) }}

),

renamed as (

    select
        cast(id as {{ dbt.type_bigint() }}) as sale_order_id,
        {{ clean_text('name') }} as sale_order_name,
        cast(partner_id as {{ dbt.type_bigint() }}) as partner_id,
        {{ clean_text('partner_id__name') }} as partner_name,
        lower({{ clean_text('state') }}) as state,
        lower({{ clean_text('state') }}) in ('sale', 'done') as is_confirmed,
        {{ to_amount('amount_untaxed') }} as amount_untaxed,
        {{ to_amount('amount_total') }} as amount_total,
        cast(currency_id as {{ dbt.type_bigint() }}) as currency_id,
        upper({{ clean_text('currency_id__name') }}) as currency_code,
        {{ to_utc_timestamp('date_order') }} as ordered_at,
        {{ to_utc_timestamp('create_date') }} as created_at,
        {{ to_utc_timestamp('write_date') }} as updated_at,
        {{ as_text('_dlt_load_id') }} as dlt_load_id

    from source

)

select * from renamed
