{#-
    Columns saying how many analysed papers of the year window have no field at all (field_source none: neither
    OpenAlex, nor a publisher subject, nor the journal gave one). Such papers are in no field and never natural
    science, so every per-field or natural-science number is over the others; the aggregate marts carry both counts
    on every row so a reader can say "of how many".
-#}
{% macro field_coverage_columns() -%}
    cast((
        select count(*) from {{ ref('papers') }} where is_analysed and is_in_year_window
    ) as bigint) as analysed_papers_in_window,
    cast((
        select count(*) from {{ ref('papers') }} where is_analysed and is_in_year_window and field_source = 'none'
    ) as bigint) as analysed_papers_without_field
{%- endmacro %}
