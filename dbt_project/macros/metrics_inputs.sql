{#-
    What `customer_metrics` needs to recompute only the customers whose own figures
    can have changed since its last build.

    `metrics_as_of()`: the time the metrics hold, as text: var `metrics_as_of`, else
    CDP_METRICS_AS_OF, else midnight UTC of the build's day, read once when the model
    compiles, so the query and the decision below use one value even across midnight.

    After each build a post-hook logs in `dbt_meta.metrics_inputs` the as-of time the
    table now holds, the newest `loaded_at` and `identity_resolved_at` of
    `fct_touchpoints` (every order is a touchpoint too) and the newest `resolved_at`
    of the golden profiles, as they stood when the build read them (the facts build
    before it, in the same invocation), and the repeat customers' median cadence the
    table's one-order customers are scored with (`typical_cadence_days`, from the
    table's own figures: the table keeps it rounded).
    `metrics_inputs_at_last_build(as_of)` returns those watermarks and the build's
    `invocation_id` when every row of the table holds the same as-of time; otherwise
    (a new day, a first build, a full refresh, a table from before the log) none, and
    every customer is computed.
-#}

{% macro metrics_inputs_relation() -%}
    {{ adapter.quote('dbt_meta') }}.{{ adapter.quote('metrics_inputs') }}
{%- endmacro %}

{#- the watermark columns of the log, with the relation and column each one reads -#}
{% macro metrics_input_watermarks(touchpoints, profiles) -%}
    {{ return([
        ('touchpoints_loaded_through', touchpoints, 'loaded_at'),
        ('touchpoints_resolved_through', touchpoints, 'identity_resolved_at'),
        ('profiles_resolved_through', profiles, 'resolved_at'),
    ]) }}
{%- endmacro %}

{#- on-run-start: the log the post-hook of customer_metrics appends to. -#}
{% macro create_metrics_inputs_log() -%}
    create schema if not exists {{ adapter.quote('dbt_meta') }};
    create table if not exists {{ metrics_inputs_relation() }} (
        model {{ dbt.type_string() }} not null,
        invocation_id {{ dbt.type_string() }} not null,
        recorded_at {{ dbt.type_timestamp() }} not null,
        as_of_at {{ dbt.type_timestamp() }},
        {%- for name, relation, column in metrics_input_watermarks(none, none) %}
        {{ name }} {{ dbt.type_timestamp() }} not null{{ ',' if not loop.last }}
        {%- endfor %}
    );
    {#- a log from before the column: its rows hold none, and the next build rescores
        every one-order customer -#}
    alter table {{ metrics_inputs_relation() }}
        add column if not exists typical_cadence_days double precision
{%- endmacro %}

{#- A repeat customer's own purchase cadence: the days between their first and last
    order over the gaps between their orders. One expression for the model and the log,
    so that the median the log keeps is the one the model computes. -#}
{% macro own_cadence_days(first_order_at, last_order_at, frequency) -%}
    1.0 * {{ dbt.datediff(first_order_at, last_order_at, 'day') }} / ({{ frequency }} - 1)
{%- endmacro %}

{#- The repeat customers' median cadence (of `relation`'s rows with `frequency` of
    2 or more): what a one-order customer's churn risk is measured against. -#}
{% macro typical_cadence_days(relation) -%}
    select percentile_cont(0.5) within group (
        order by {{ own_cadence_days('first_order_at', 'last_order_at', 'frequency') }})
        as cadence_days
    from {{ relation }}
    where frequency >= 2
{%- endmacro %}

{% macro metrics_as_of() -%}
    {%- set fixed = var('metrics_as_of', none) or env_var('CDP_METRICS_AS_OF', '') -%}
    {%- if fixed -%}
        {{ return(fixed | string) }}
    {%- endif -%}
    {%- if not execute -%}
        {{ return('1900-01-01 00:00:00') }}
    {%- endif -%}
    {%- set query -%}
        select cast({{ dbt.date_trunc('day', utc_now()) }} as {{ dbt.type_timestamp() }})
    {%- endset -%}
    {{ return(run_query(query).columns[0].values()[0] | string) }}
{%- endmacro %}

{#- A post-hook: what this build read, for the next one. -#}
{% macro record_metrics_inputs(touchpoints, profiles) -%}
    insert into {{ metrics_inputs_relation() }}
    select
        '{{ this.identifier }}',
        '{{ invocation_id }}',
        {{ utc_now() }},
        (select max(as_of_at) from {{ this }}),
        {%- for name, relation, column in metrics_input_watermarks(touchpoints, profiles) %}
        (select coalesce(max({{ column }}), {{ timestamp_literal('1900-01-01 00:00:00') }})
         from {{ relation }}),
        {%- endfor %}
        ({{ typical_cadence_days(this) }})
{%- endmacro %}

{% macro metrics_inputs_at_last_build(as_of) -%}
    {%- if not execute or not is_incremental() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set log = adapter.get_relation(database=target.database, schema='dbt_meta',
                                       identifier='metrics_inputs') -%}
    {%- if log is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set names = metrics_input_watermarks(none, none) | map(attribute=0) | list -%}
    {%- set as_of_at = timestamp_literal(as_of) -%}
    {%- set query -%}
        select invocation_id, {{ names | join(', ') }}
        from {{ log }}
        where model = '{{ this.identifier }}'
            and recorded_at = (
                select max(recorded_at) from {{ log }} where model = '{{ this.identifier }}'
            )
            and not exists (
                select 1 from {{ this }} as held where held.as_of_at <> {{ as_of_at }}
            )
    {%- endset -%}
    {%- set rows = run_query(query).rows -%}
    {%- if rows | length != 1 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set watermarks = {'invocation_id': rows[0]['invocation_id']} -%}
    {%- for name in names -%}
        {%- do watermarks.update({name: rows[0][name]}) -%}
    {%- endfor -%}
    {{ return(watermarks) }}
{%- endmacro %}

{#- The median cadence the last build (`since`, from `metrics_inputs_at_last_build`)
    scored the table's one-order customers with, as a scalar subquery: NULL when its
    log row is from before the column. -#}
{% macro typical_cadence_at_last_build(since) -%}
    (select max(typical_cadence_days) from {{ metrics_inputs_relation() }}
     where model = '{{ this.identifier }}' and invocation_id = '{{ since.invocation_id }}')
{%- endmacro %}
