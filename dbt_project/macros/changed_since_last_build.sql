{#-
    What an incremental fact needs to pick the rows that changed since its last build.

    `last_build_max(column)`: the largest `column` of the model's table, as a timestamp
    literal (1900-01-01 when the table is empty or does not have the column yet). It is
    read once, when the model is compiled, so the filter compares against a constant:
    the databases push such a filter into the scans of the sources below the views,
    where a subquery would make them compute every row first.

    `changed_since_last_build(alias)`: a row changed when a load touched it after the
    newest load the table holds (`loaded_at`: dlt's load time, or its deletion in the
    source), or when the identity step re-resolved its person since
    (`identity_resolved_at`: a merge or a split moves it to another golden id). An OR
    across the two is evaluated after the joins that bring both; where that matters,
    select each side on its own and `union` them.

        where {{ changed_since_last_build('orders') }}

    `loaded_since_last_build(load_id, newest)`: for a model that keeps dlt's
    `dlt_load_id` of each row, the rows of the loads after the newest one it holds
    (`newest`: `newest_in_this('dlt_load_id')`, none on a first build: every row).
    Load ids are epoch seconds as text, so they compare as text
    (macros/tests_scoped_to_build.sql), and a comparison of the raw column with a
    constant reaches the raw table's scan, where DuckDB skips the row groups of older
    loads.

        {%- set newest_load = newest_in_this('dlt_load_id') %}
        where {{ loaded_since_last_build('email_activity.dlt_load_id', newest_load) }}

    `records_loaded_since(relation, key, newest, changed_by, changed_key, changed_where)`:
    the rows of `relation` (a staging view with `dlt_load_id`) from the loads after
    `newest`, plus the rows whose `key` a later load of `changed_by` names (a
    deletion, a message). Those keys are read when the model compiles and written
    into the query as constants, which the databases push below the view's
    projections; a semi-join would stage every row of `relation` first. Past
    10,000 keys a subquery is cheaper to send than the list. With `newest` none (a
    first build), every row.
-#}
{#- The lower-cased column names of the model's table in an incremental build. -#}
{% macro columns_in_this() -%}
    {{ return(adapter.get_columns_in_relation(this) | map(attribute='name')
              | map('lower') | list) }}
{%- endmacro %}

{#- Whether the model's table has `column` (true on a first build: nothing to add). -#}
{% macro column_in_this(column) -%}
    {%- if execute and is_incremental() -%}
        {{ return(column | lower in columns_in_this()) }}
    {%- endif -%}
    {{ return(true) }}
{%- endmacro %}

{#- The largest `column` of the model's table in an incremental build, else none (a
    first build, or a column the table does not have yet: a new one reads as never). -#}
{% macro newest_in_this(column) -%}
    {{ return(newest_values_in_this([column])[column]) }}
{%- endmacro %}

{#- `value` (a datetime or its text) as a timestamp constant -#}
{% macro timestamp_literal(value) -%}
    cast('{{ value }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- The newest value of each of `columns` in the model's table, read in one query, as a
    dict by column (none for a column the table does not have yet, and on a first
    build): a model that bounds several filters by its watermarks reads them once,
    where each `last_build_max` call costs a lookup of the table's columns and a
    `max()`. -#}
{% macro newest_values_in_this(columns) -%}
    {%- set values = {} -%}
    {%- for column in columns -%}
        {%- do values.update({column: none}) -%}
    {%- endfor -%}
    {%- if execute and is_incremental() -%}
        {%- set names = columns_in_this() -%}
        {%- set present = [] -%}
        {%- for column in columns if column | lower in names -%}
            {%- do present.append(column) -%}
        {%- endfor -%}
        {%- if present -%}
            {%- set maxima = [] -%}
            {%- for column in present -%}
                {%- do maxima.append('max(' ~ column ~ ')') -%}
            {%- endfor -%}
            {%- set row = run_query('select ' ~ (maxima | join(', ')) ~ ' from ' ~ this).rows[0] -%}
            {%- for column in present -%}
                {%- do values.update({column: row[loop.index0]}) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
    {{ return(values) }}
{%- endmacro %}

{#- `value` (a newest value, or none) as the bound a filter compares with. -#}
{% macro timestamp_bound(value) -%}
    {{ timestamp_literal(value if value is not none else "1900-01-01 00:00:00") }}
{%- endmacro %}

{% macro last_build_max(column) -%}
    {{ timestamp_bound(newest_in_this(column)) }}
{%- endmacro %}

{#- `last_build_max(column)` as a bound on dlt load ids (epoch seconds as text):
    `raw.dlt_load_id > {{ last_build_load_id('loaded_at') }}` selects the loads after
    that time and, compared as text on the raw column, reaches the scan, where a
    conversion of every load id to a timestamp is computed below the staging view for
    every row. '0' (every load) on a first build.

    dlt's load ids are `str(time.time())`, up to seven decimals ('1796568308.6881242'),
    and the timestamp keeps six: the bound is that time to the microsecond followed by
    a '9', above every id of the same microsecond, so the newest load the table already
    holds is not read again by every later build (as six decimals alone had it: the
    bound sorts below the id it came from). -#}
{% macro last_build_load_id(column) -%}
    {{ load_id_bound(newest_in_this(column)) }}
{%- endmacro %}

{#- `value` (a newest `loaded_at`, or none) as the bound on dlt load ids. -#}
{% macro load_id_bound(value) -%}
    {%- if value is none -%}
    '0'
    {%- else -%}
    '{{ "%.6f" | format(value.replace(tzinfo=modules.pytz.utc).timestamp()) }}9'
    {%- endif -%}
{%- endmacro %}

{#- `newest`: the table's newest `loaded_at` and `identity_resolved_at`, when the model
    read them already (`newest_values_in_this`). -#}
{% macro changed_since_last_build(alias, newest=none) -%}
    {%- if newest is none -%}
        {%- set newest = newest_values_in_this(['loaded_at', 'identity_resolved_at']) -%}
    {%- endif %}
    (
        {{ alias }}.loaded_at > {{ timestamp_bound(newest['loaded_at']) }}
        or {{ alias }}.identity_resolved_at > {{ timestamp_bound(newest['identity_resolved_at']) }}
    )
{%- endmacro %}

{#- `newest` is read by the model, once for all its filters: each read is a lookup of
    the table's columns and a `max()` over every row. -#}
{% macro loaded_since_last_build(load_id, newest) -%}
    {%- if newest is not none -%}
    {{ load_id }} > '{{ newest }}'
    {%- else -%}
    1 = 1
    {%- endif -%}
{%- endmacro %}

{#- What goes inside `in (...)` to match the values `query` (one column) returns:
    the values as quoted constants, read now, which the databases push below a view's
    projections into the scan, where a semi-join would have the view compute every
    row first; past `at_most` values the query itself, cheaper to send than the list;
    '' when it returns none (the caller leaves the condition out). -#}
{% macro values_or_query(query, at_most=10000) -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set found = run_query('select * from (' ~ query ~ ') as keys limit ' ~ (at_most + 1))
                    .columns[0].values() -%}
    {%- if found | length > at_most -%}
        {{ return(query) }}
    {%- endif -%}
    {%- set quoted = [] -%}
    {%- for value in found -%}
        {%- do quoted.append("'" ~ (value | string | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {{ return(quoted | join(', ')) }}
{%- endmacro %}

{% macro records_loaded_since(relation, key, newest, changed_by=none, changed_key=none,
                              changed_where='1 = 1') -%}
    select * from {{ relation }}
    {%- if newest is not none %}
    where dlt_load_id > '{{ newest }}'
    {%- if changed_by is not none %}
    {%- set changed_keys -%}
        select distinct {{ changed_key }} from {{ changed_by }}
        where dlt_load_id > '{{ newest }}' and ({{ changed_where }})
            and {{ changed_key }} is not null
    {%- endset %}
    {%- set changed = values_or_query(changed_keys) %}
    {%- if changed %}

    union

    select * from {{ relation }}
    where {{ key }} in ({{ changed }})
    {%- endif %}
    {%- endif %}
    {%- endif %}
{%- endmacro %}
