{#-
    Generic test: every row's key (`column_name`) has a parent row in `to` (on `field`) that satisfies `parent_condition`
    (e.g. a PTM row's paper exists and says uses_ptms). `relationships` with a condition on the parent.
-#}
{% test no_orphan_rows(model, column_name, to, field, parent_condition='true') %}

select child.{{ column_name }} as orphan_key
from {{ model }} as child
where child.{{ column_name }} is not null
  and not exists (
    select 1
    from {{ to }} as parent
    where parent.{{ field }} = child.{{ column_name }}
      and ({{ parent_condition }})
  )

{% endtest %}
