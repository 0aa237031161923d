{#-
    The vars that shape the marts (declared, with their defaults, in dbt_project.yml), validated here and only
    here: settings() returns them typed, or stops the build with every bad value named. Models read vars through
    settings(), so a bad value fails while dbt parses the project, before anything is built.

    natural_science_rule                any_of_3 | two_of_3 | primary (see int_paper_fields)
    natural_science_requires_citations  true | false (YAML booleans, or the strings "true" / "false")
    counting_convention                 distinct_paper | topic_slot (see field_weight below)
    year_min, year_max                  inclusive bounds on the publication year of the counted papers; empty = open
    classifier_run                      a run id of raw.classifier_runs; empty = the default selection
    classifier_configuration            a run configuration (backend | protocol | model | prompt versions); empty =
                                        the default selection (see int_run_configurations)
    correction_gold_set                 the gold set whose measured classifier error corrects the rates
                                        (reference-frozen | reference-tuning | aius | aius-untuned)
-#}
{% macro settings() -%}
    {%- set problems = [] -%}

    {%- set rule = var('natural_science_rule') | string -%}
    {%- if rule not in ['any_of_3', 'two_of_3', 'primary'] -%}
        {%- do problems.append("natural_science_rule must be any_of_3, two_of_3 or primary, not '" ~ rule ~ "'") -%}
    {%- endif -%}

    {%- set citations = var('natural_science_requires_citations') -%}
    {%- if citations is not boolean -%}
        {%- set spelled = (citations | string | lower) -%}
        {%- if spelled not in ['true', 'false'] -%}
            {%- do problems.append(
                "natural_science_requires_citations must be true or false, not '" ~ citations ~ "'") -%}
        {%- endif -%}
        {%- set citations = spelled == 'true' -%}
    {%- endif -%}

    {%- set convention = var('counting_convention') | string -%}
    {%- if convention not in ['distinct_paper', 'topic_slot'] -%}
        {%- do problems.append("counting_convention must be distinct_paper or topic_slot, not '" ~ convention ~ "'") -%}
    {%- endif -%}

    {%- set years = {} -%}
    {%- for name in ['year_min', 'year_max'] -%}
        {%- set value = var(name) -%}
        {%- if value is none or (value | string | lower) in ['', 'none', 'null'] -%}
            {%- do years.update({name: none}) -%}
        {%- elif value is not boolean and (value | string).isdigit() -%}
            {%- do years.update({name: value | int}) -%}
        {%- else -%}
            {%- do problems.append(name ~ " must be a year (e.g. 2015) or empty, not '" ~ value ~ "'") -%}
            {%- do years.update({name: none}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if years.year_min is not none and years.year_max is not none and years.year_min > years.year_max -%}
        {%- do problems.append("year_min (" ~ years.year_min ~ ") is after year_max (" ~ years.year_max ~ ")") -%}
    {%- endif -%}

    {%- set chosen = {} -%}
    {%- for name in ['classifier_run', 'classifier_configuration'] -%}
        {%- set value = var(name) -%}
        {%- set trimmed = value | string | trim -%}
        {%- do chosen.update({name: none if value is none or trimmed == '' else trimmed}) -%}
    {%- endfor -%}

    {%- set gold_set = var('correction_gold_set') | string -%}
    {%- if gold_set not in ['reference-frozen', 'reference-tuning', 'aius', 'aius-untuned'] -%}
        {%- do problems.append("correction_gold_set must be reference-frozen, reference-tuning, aius or aius-untuned,"
            ~ " not '" ~ gold_set ~ "'") -%}
    {%- endif -%}

    {%- if problems -%}
        {{ exceptions.raise_compiler_error("Invalid --vars: " ~ problems | join('; ')
            ~ ". The vars and their values are listed in dbt_project.yml.") }}
    {%- endif -%}
    {{ return({
        'natural_science_rule': rule,
        'natural_science_requires_citations': citations,
        'counting_convention': convention,
        'year_min': years.year_min,
        'year_max': years.year_max,
        'classifier_run': chosen.classifier_run,
        'classifier_configuration': chosen.classifier_configuration,
        'correction_gold_set': gold_set,
    }) }}
{%- endmacro %}

{#- SQL condition: `year_expr` lies inside [year_min, year_max]. -#}
{% macro in_year_window(year_expr) -%}
    {%- set low = settings().year_min -%}
    {%- set high = settings().year_max -%}
    ({% if low is not none %}{{ year_expr }} >= {{ low }}{% else %}true{% endif %}
     and {% if high is not none %}{{ year_expr }} <= {{ high }}{% else %}true{% endif %})
{%- endmacro %}

{#-
    The weight of one (paper, field) row under counting_convention: distinct_paper counts a paper once in each
    field it belongs to; topic_slot once per top-3 topic slot in the field (up to 3×), as the study's scripts did.
-#}
{% macro field_weight(slots_expr) -%}
    {%- if settings().counting_convention == 'topic_slot' -%} {{ slots_expr }} {%- else -%} 1 {%- endif -%}
{%- endmacro %}

{#- Columns recording the active vars on every mart row; `run_configuration_expr` gives the labels' configuration. -#}
{% macro mart_setting_columns(run_configuration_expr) -%}
    {%- set active = settings() -%}
    cast({{ run_configuration_expr }} as varchar) as run_configuration,
    cast('{{ active.natural_science_rule }}' as varchar) as natural_science_rule,
    cast({{ 'true' if active.natural_science_requires_citations else 'false' }} as boolean)
        as natural_science_requires_citations,
    cast('{{ active.counting_convention }}' as varchar) as counting_convention,
    cast({{ active.year_min if active.year_min is not none else 'null' }} as integer) as year_min,
    cast({{ active.year_max if active.year_max is not none else 'null' }} as integer) as year_max
{%- endmacro %}

{#- The run configuration whose labels feed the marts (see int_run_configurations), as a scalar subquery. -#}
{% macro selected_run_configuration() -%}
    (select any_value(run_configuration) from {{ ref('int_run_configurations') }} where is_selected)
{%- endmacro %}
