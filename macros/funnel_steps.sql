{#-
    The steps of a funnel (marts.pipeline_funnel) over `relation`, which has one row per source × DOI and a boolean
    column per condition: one row per source and step. The first step counts every DOI; `steps` lists the later
    ones in order, (step, condition), and each counts the DOIs that meet its own condition and every earlier one's, so
    the funnel only narrows.
-#}
{% macro funnel_steps(relation, first_step, steps) -%}
    select
        source,
        source_kind,
        1 as step_order,
        '{{ first_step }}' as step,
        count(*) as papers
    from {{ relation }}
    group by source, source_kind
    {%- for step, _ in steps %}
    union all
    select
        source,
        source_kind,
        {{ loop.index + 1 }} as step_order,
        '{{ step }}' as step,
        count(*) filter (where {{ steps[:loop.index] | map(attribute=1) | join(' and ') }}) as papers
    from {{ relation }}
    group by source, source_kind
    {%- endfor %}
{%- endmacro %}
