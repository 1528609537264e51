{%- set raw_columns = relation_columns(source('raw_erp', 'invoices')) -%}

with

source as (

    select * from {{ source_or_empty('raw_erp', 'invoices', [
        'id',
        'name',
        'move_type',
        'partner_id',
        'partner_id__name',
        'invoice_date',
        'amount_untaxed',
        'amount_total',
        'currency_id',
        'currency_id__name',
        'state',
        'create_date',
        'write_date',
        '_dlt_load_id',
    ]) }}

),

renamed as (

    select
        cast(id as {{ dbt.type_bigint() }}) as invoice_id,
        {{ clean_text('name') }} as invoice_name,
        lower({{ clean_text('move_type') }}) as move_type,
        cast(partner_id as {{ dbt.type_bigint() }}) as partner_id,
        {{ clean_text('partner_id__name') }} as partner_name,
        cast({{ clean_text('invoice_date') }} as date) as invoice_date,
        {{ clean_text(optional_column(raw_columns, 'invoice_origin')) }} as invoice_origin,
        {{ to_amount('amount_untaxed') }} as amount_untaxed,
        {{ to_amount('amount_total') }} as amount_total,
        {{ to_amount(optional_column(raw_columns, 'amount_residual')) }} as amount_residual,
        cast(currency_id as {{ dbt.type_bigint() }}) as currency_id,
        upper({{ clean_text('currency_id__name') }}) as currency_code,
        lower({{ clean_text('state') }}) as state,
        lower({{ clean_text('state') }}) = 'posted' as is_posted,
        lower({{ clean_text(optional_column(raw_columns, 'payment_state')) }}) as payment_state,
        {{ to_utc_timestamp('create_date') }} as created_at,
        {{ to_utc_timestamp('write_date') }} as updated_at,
        {{ as_text('_dlt_load_id') }} as dlt_load_id

    from source

)

select * from renamed
