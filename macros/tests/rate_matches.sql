{#- Generic test: a rate column equals numerator / denominator of its row (null when the denominator is 0). -#}
{% test rate_matches(model, column_name, numerator, denominator) %}

select {{ column_name }} as rate, {{ numerator }} as numerator, {{ denominator }} as denominator
from {{ model }}
where case
    when coalesce({{ denominator }}, 0) = 0 then {{ column_name }} is not null
    else {{ column_name }} is null or abs({{ column_name }} - {{ numerator }} / {{ denominator }}) > 1e-9
end

{% endtest %}
