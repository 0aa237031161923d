{#- Generic test: no value is an empty or all-whitespace string (nulls are left to not_null). -#}
{% test not_empty_string(model, column_name) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null and not regexp_matches({{ column_name }}, '\S')  -- regexp stops at the first non-space character; trim() would copy every body

{% endtest %}
