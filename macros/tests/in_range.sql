{#-
    Generic test: every non-null value lies in [min_value, max_value] (either bound may be omitted).
    max_years_ahead: the upper bound is the current year plus this many years (e.g. 1 for publication years:
    journals date issues ahead of the calendar); warehouse/raw_schema.py reads the same argument for the gate.
-#}
{% test in_range(model, column_name, min_value=none, max_value=none, max_years_ahead=none) %}

select {{ column_name }} as out_of_range_value
from {{ model }}
where
    {{ column_name }} is not null
    and (
        {% if min_value is not none %} {{ column_name }} < {{ min_value }} {% else %} false {% endif %}
        or {% if max_value is not none %} {{ column_name }} > {{ max_value }} {% else %} false {% endif %}
        or {% if max_years_ahead is not none -%}
            {{ column_name }} > extract(year from current_date) + {{ max_years_ahead }}
        {%- else %} false {% endif %}
    )

{% endtest %}
