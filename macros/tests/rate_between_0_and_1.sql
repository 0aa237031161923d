{#- Generic test: a rate (share, proportion) is a number in [0, 1]; nulls (an empty denominator) pass. -#}
{% test rate_between_0_and_1(model, column_name) %}

select {{ column_name }} as rate_out_of_range
from {{ model }}
where {{ column_name }} is not null
  and ({{ column_name }} < 0 or {{ column_name }} > 1 or isnan({{ column_name }}))

{% endtest %}
