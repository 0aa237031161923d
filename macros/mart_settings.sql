{#-
    The vars that shape the marts, validated in one place, and the columns that record them on every mart row.

    counting_convention   distinct_paper (default): a paper counts once per field it belongs to;
                          topic_slot: once per top-3 topic slot in the field (up to 3×), as the study's scripts did.
    natural_science_rule  see int_paper_fields (any_of_3 default, two_of_3, primary).
    year_min, year_max    inclusive bounds on the publication year of the papers the aggregates count (none = open).
    classifier_run        a run id of raw.classifier_runs, or latest (the latest finished run); its run configuration
                          (backend, protocol, model, prompt versions) selects the labels (see stg_classifier__runs).
-#}
{% macro counting_convention() -%}
    {%- set value = var('counting_convention', 'distinct_paper') -%}
    {%- if value not in ['distinct_paper', 'topic_slot'] -%}
        {{ exceptions.raise_compiler_error("counting_convention must be distinct_paper or topic_slot, not '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{% macro year_bound(name) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none or value == '' or value == 'none' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if value is string and not value.isdigit() -%}
        {{ exceptions.raise_compiler_error(name ~ " must be a year or none, not '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value | int) }}
{%- endmacro %}

{#- SQL condition: `year_expr` lies inside [year_min, year_max]. -#}
{% macro in_year_window(year_expr) -%}
    {%- set low = year_bound('year_min') -%}
    {%- set high = year_bound('year_max') -%}
    ({% if low is not none %}{{ year_expr }} >= {{ low }}{% else %}true{% endif %}
     and {% if high is not none %}{{ year_expr }} <= {{ high }}{% else %}true{% endif %})
{%- endmacro %}

{#- The weight of one (paper, field) row under the active counting convention. -#}
{% macro field_weight(slots_expr) -%}
    {%- if counting_convention() == 'topic_slot' -%} {{ slots_expr }} {%- else -%} 1 {%- endif -%}
{%- endmacro %}

{#- Columns recording the active vars; `run_configuration_expr` gives the selected classifier configuration. -#}
{% macro mart_setting_columns(run_configuration_expr) -%}
    {%- set low = year_bound('year_min') -%}
    {%- set high = year_bound('year_max') -%}
    cast({{ run_configuration_expr }} as varchar) as run_configuration,
    cast('{{ var("natural_science_rule", "any_of_3") }}' as varchar) as natural_science_rule,
    cast({{ 'true' if var('natural_science_requires_citations', true) else 'false' }} as boolean)
        as natural_science_requires_citations,
    cast('{{ counting_convention() }}' as varchar) as counting_convention,
    cast({{ low if low is not none else 'null' }} as integer) as year_min,
    cast({{ high if high is not none else 'null' }} as integer) as year_max
{%- endmacro %}

{#- The run configuration the marts were built from (see stg_classifier__runs), as a scalar subquery. -#}
{% macro selected_run_configuration() -%}
    (select any_value(run_configuration) from {{ ref('stg_classifier__runs') }} where is_selected_run)
{%- endmacro %}
