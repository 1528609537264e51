{#-
    The body of a CTE scoring each distinct value of `column` in `relation` 1 to 5 by
    the fifth of the population ranked below it (`value`, `score`): 1 plus the whole
    fifths in the share of the other rows whose value ranks lower, capped at 5, as
    `least(5, 1 + floor(5 * percent_rank()))` over the rows would give. Equal values
    share a score. With `descending`, a lower value ranks higher (recency: fewer days
    since the last order is better).

    Scoring values rather than rows gives the step from value to score as a small
    table (a few thousand recency days, a few dozen order counts): an incremental
    build joins it to every customer and rewrites only those whose score moved,
    instead of ranking a million rows again. The comparisons are in whole numbers
    (5 × below ≥ k × (rows − 1)), so a score does not depend on floating-point
    rounding at a fifth's edge, and the SQL is the same on every adapter.
-#}
{% macro rank_fifths(relation, column, descending=false) -%}
    select
        ranked.value,
        1
        {%- for fifth in range(1, 5) %}
        + case
            when population.rows_ranked > 1
                and 5 * ranked.rows_below >= {{ fifth }} * (population.rows_ranked - 1)
                then 1
            else 0
        end
        {%- endfor %} as score

    from (
        select
            {{ column }} as value,
            coalesce(sum(count(*)) over (
                order by {{ column }}{{ ' desc' if descending }}
                rows between unbounded preceding and 1 preceding
            ), 0) as rows_below
        from {{ relation }}
        group by {{ column }}
    ) as ranked
    cross join (select count(*) as rows_ranked from {{ relation }}) as population
{%- endmacro %}
