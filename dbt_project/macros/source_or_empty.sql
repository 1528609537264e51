{#-
    dlt creates a table only once a resource yields rows, so a table that is empty by
    nature in a small or young warehouse (refunds, blacklist entries, DMs, ...) may not
    exist yet. `source_or_empty` keeps the lineage to the source and, when the table is
    missing at run time, reads an empty stub with the given columns instead (logged), so
    the staging view and everything downstream still build. Use it for such optional
    tables only; a missing core table (customers, partners, members, users) must fail.

        select * from {{ source_or_empty('raw_erp', 'blacklist', ['id', 'email', ...]) }}
-#}
{% macro source_or_empty(source_name, table_name, column_names) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if execute and load_relation(relation) is none -%}
        {%- do log(relation ~ " does not exist yet; reading it as empty", info=true) -%}
        (
            select
            {%- for name in column_names %}
                cast(null as {{ dbt.type_string() }}) as {{ name }}{{ "," if not loop.last }}
            {%- endfor %}
            where 1 = 0
        ) as empty_source
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}

{#-
    A source system's core table (customers, partners, members, users, orders): it must
    exist once its system is synced, so a missing one fails the build, unless the
    deployment has not connected that system (`CDP_SOURCES` names the others, as
    `cdp_pipeline` reads it): then it reads as empty, like `source_or_empty`, and the
    warehouse builds from the systems that are connected.

        select * from {{ pipeline_source('raw_erp', 'partners', ['id', 'name', ...]) }}
-#}
{% macro pipeline_source(source_name, table_name, column_names) -%}
    {%- set connected = env_var('CDP_SOURCES', '') | lower | replace(' ', '') -%}
    {%- set system = source_name | replace('raw_', '') -%}
    {%- if connected and system not in connected.split(',') -%}
        {{ source_or_empty(source_name, table_name, column_names) }}
    {%- else -%}
        {{ source(source_name, table_name) }}
    {%- endif -%}
{%- endmacro %}
