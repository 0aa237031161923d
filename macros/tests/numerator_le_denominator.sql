{#- Generic test: a count never exceeds the count it is a part of (`denominator`, a column of the same row). -#}
{% test numerator_le_denominator(model, column_name, denominator) %}

select {{ column_name }} as numerator, {{ denominator }} as denominator
from {{ model }}
where {{ column_name }} > {{ denominator }}

{% endtest %}
