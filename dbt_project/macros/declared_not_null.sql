{#-
    A pre-hook of every mart: the `not_null` constraints its contract declares, added
    to a table built before they were declared.

    dbt applies a contract's constraints when it creates the table; an incremental
    build only writes rows into it, and `on_schema_change='append_new_columns'` adds a
    new column without its constraint. So a table built before a column's constraint
    was declared would go on taking NULLs there, with no `not_null` test left to say so
    (a constrained column carries none: the warehouse refuses the NULL, so a test could
    never fail). This makes the table what the contract says at the next build. A table
    that already holds a NULL there fails the build with the warehouse's error (as the
    test would have failed); `--full-refresh` rebuilds it.

    One look at the catalog per build; nothing more once the table matches.
-#}
{% macro add_declared_not_null_constraints() -%}
    {%- if not execute or not is_incremental() or not model.config.contract.enforced -%}
        {{ return('') }}
    {%- endif -%}
    {%- set declared = [] -%}
    {%- for column in model.columns.values() -%}
        {%- if column.constraints | selectattr('type', 'equalto', 'not_null') | list -%}
            {%- do declared.append(column.name | lower) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not declared -%}
        {{ return('') }}
    {%- endif -%}
    {%- set nullable_query -%}
        select column_name from information_schema.columns
        where lower(table_catalog) = lower('{{ this.database }}')
            and lower(table_schema) = lower('{{ this.schema }}')
            and lower(table_name) = lower('{{ this.identifier }}')
            and is_nullable = 'YES'
    {%- endset -%}
    {%- set nullable = run_query(nullable_query).columns[0].values() -%}
    {%- for name in nullable if name | lower in declared %}
    alter table {{ this }} alter column {{ adapter.quote(name) }} set not null;
    {%- endfor %}
{%- endmacro %}
