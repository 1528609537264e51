{#-
    The last select of a mart that holds one row per key and is rebuilt from the whole
    population each time (a customer's scores rank them against everyone, so one new
    order can move another customer's score): on an incremental build only the rows
    that differ from the table, in any column, are written (delete+insert by key), and
    the rest are left as they are. Computing every row is cheap; writing a million rows
    is what costs. `except` compares NULLs as equal, and the columns are named from the
    table, in its order. It compares whole rows, so on a wide table (dim_customers) a
    narrower test of what changed is cheaper: there, compare the inputs instead.

        {{ only_changed_rows('final', stamp='row_changed_at') }}

    With `stamp`, each row written carries the build's time in that column (left out of
    the comparison), so readers and tests can take the rows changed since. With `key`,
    the CTE holds only the rows a build derived again (customer_metrics derives the few
    whose inputs or scores moved): the table's rows are compared by that key, so the
    others are neither read whole nor hashed.
    Pair it with `delete_gone_keys` as a hook, for keys that left the population: a
    post-hook, or a pre-hook where the model ranks the rows it holds (customer_metrics).
-#}
{% macro only_changed_rows(cte, stamp=none, key=none) -%}
    {#- a table from before `stamp` is written whole once, so that every row gets one -#}
    {%- if is_incremental() and (stamp is none or newest_in_this(stamp) is not none) -%}
        {%- set names = [] -%}
        {%- for column in adapter.get_columns_in_relation(this)
                if stamp is none or column.name | lower != stamp | lower -%}
            {%- do names.append(adapter.quote(column.name)) -%}
        {%- endfor -%}
        select {{ names | join(', ') }}{{ ', ' ~ utc_now() ~ ' as ' ~ stamp if stamp }}
        from (
            select {{ names | join(', ') }} from {{ cte }}
            except
            select {{ names | join(', ') }} from {{ this }}
            {%- if key is not none %}
            where {{ key }} in (select {{ key }} from {{ cte }})
            {%- endif %}
        ) as changed_rows
    {%- else -%}
        select *{{ ', ' ~ utc_now() ~ ' as ' ~ stamp if stamp }} from {{ cte }}
    {%- endif -%}
{%- endmacro %}

{#- A post-hook: delete the rows whose `key` is no longer in `population` (a golden
    customer merged into another, or erased). -#}
{% macro delete_gone_keys(key, population) -%}
    delete from {{ this }}
    where not exists (
        select 1 from {{ population }} as population
        where population.{{ key }} = {{ this }}.{{ key }}
    )
{%- endmacro %}
