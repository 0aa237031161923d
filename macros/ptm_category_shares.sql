{#-
    The counts, shares and Goodman's simultaneous 95 % intervals (macros/intervals.sql, z from `simultaneous`) of a
    PTM category (reuse pattern or stage) within its field-year or scope, for ptm_category_by_field_year and
    ptm_category_overall: `counts` holds the category's papers and ptm_instances (null where it has none), `totals`
    the papers_with_ptms and ptm_instances_total they are shares of.
-#}
{% macro ptm_category_share_columns(counts, totals) -%}
    cast(coalesce({{ counts }}.papers, 0) as bigint) as papers,
    cast(coalesce({{ counts }}.ptm_instances, 0) as bigint) as ptm_instances,
    cast({{ totals }}.papers_with_ptms as bigint) as papers_with_ptms,
    cast({{ totals }}.ptm_instances_total as bigint) as ptm_instances_total,
    cast(coalesce({{ counts }}.papers, 0) / {{ totals }}.papers_with_ptms as double) as share_of_papers,
    {{ wilson_columns('coalesce(' ~ counts ~ '.papers, 0)', totals ~ '.papers_with_ptms', 'share_of_papers',
                      'simultaneous.z') }},
    cast(coalesce({{ counts }}.ptm_instances, 0) / {{ totals }}.ptm_instances_total as double)
        as share_of_instances,
    {{ wilson_columns('coalesce(' ~ counts ~ '.ptm_instances, 0)', totals ~ '.ptm_instances_total',
                      'share_of_instances', 'simultaneous.z') }}
{%- endmacro %}
