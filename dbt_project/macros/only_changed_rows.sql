{#-
    The last select of a mart that holds one row per key and is rebuilt from the whole
    population each time (a customer's scores rank them against everyone, so one new
    order can move another customer's score): on an incremental build only the rows
    that differ from the table, in any column, are written (delete+insert by key), and
    the rest are left as they are. Computing every row is cheap; writing a million rows
    is what costs. `except` compares NULLs as equal, and the columns are named from the
    table, in its order. It compares whole rows, so on a wide table (dim_customers) a
    narrower test of what changed is cheaper: there, compare the inputs instead.

        {{ only_changed_rows('final') }}

    Pair it with `delete_gone_keys` as a post-hook, for keys that left the population.
-#}
{% macro only_changed_rows(cte) -%}
    {%- if is_incremental() -%}
        {%- set names = [] -%}
        {%- for column in adapter.get_columns_in_relation(this) -%}
            {%- do names.append(adapter.quote(column.name)) -%}
        {%- endfor -%}
        select {{ names | join(', ') }} from {{ cte }}
        except
        select {{ names | join(', ') }} from {{ this }}
    {%- else -%}
        select * from {{ cte }}
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
