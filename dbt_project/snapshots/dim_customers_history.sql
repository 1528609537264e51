{#-
    dbt compares every row of a snapshot's query with the history's current versions.
    `dim_customers` stamps each row it writes with `row_changed_at` and leaves the rest
    as they are, so only the rows stamped after the last snapshot can differ from their
    current version: the query returns those (every row on a first snapshot, or with
    nothing logged yet; macros/snapshot_changed_rows.sql). An unchanged customer is
    never read, and the stamp is read when the snapshot compiles, so the filter is a
    constant the scan of `dim_customers` uses.

    With a partial query dbt's `hard_deletes: invalidate` would close every customer
    left out, so gone customers are closed by a post-hook instead, as dbt would: the
    current version of a customer no longer in `dim_customers` gets `dbt_valid_to`.
-#}
{% snapshot dim_customers_history %}

{{
    config(
        schema='snapshots',
        unique_key='golden_id',
        strategy='check',
        check_cols=['first_name', 'last_name', 'email', 'phone', 'street', 'city', 'postcode',
                    'country_code', 'source_systems', 'member_count', 'email_consent_status'],
        hard_deletes='ignore',
        post_hook=[
            "{{ close_gone_snapshot_versions('golden_id', ref('dim_customers')) }}",
            "{{ record_snapshot_comparison('row_changed_at', ref('dim_customers')) }}",
        ],
    )
}}

{%- set compared_through = snapshot_compared_through() %}

select * from {{ ref('dim_customers') }}
{%- if compared_through is not none %}
where row_changed_at > {{ timestamp_literal(compared_through) }}
    or row_changed_at is null
{%- endif %}

{% endsnapshot %}
