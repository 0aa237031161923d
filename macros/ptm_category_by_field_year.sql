{#-
    PTM reuse counted per field × year × one category of the taxonomy (`reuse_pattern` or `stage`): the shared logic
    of the reuse_patterns and stage_impact marts. Over natural-science papers in the year window whose PTM list is
    not empty. A PTM instance is one (paper, canonical PTM) pair in the category; a paper with PTMs in two categories
    counts in both, so paper shares within a field-year can sum above 1 while instance shares sum to 1.
    var counting_convention weights each paper by 1 (distinct_paper) or by its topic slots in the field (topic_slot).
    `categories_seed` lists every category (column `{category}`, display_name, sort_order), so categories with no
    PTM still get a row with zero counts.
-#}
{% macro ptm_category_by_field_year(category, categories_seed) %}

with

papers as (

    select doi, publication_year from {{ ref('papers') }} where is_natural_science and is_in_year_window

),

paper_fields as (

    select * from {{ ref('int_paper_fields') }} where top3_topic_slots > 0

),

reuses as (

    select doi, {{ category }}, count(distinct canonical_name) as ptm_instances
    from {{ ref('ptm_reuse') }}
    group by doi, {{ category }}

),

categories as (

    select {{ category }}, display_name, sort_order from {{ ref(categories_seed) }}

),

simultaneous as (

    select {{ simultaneous_z('count(*)') }} as z from categories

),

---------- paper × field × category, weighted

weighted as (

    select
        paper_fields.field_id,
        paper_fields.field_name,
        paper_fields.is_natural_science_field,
        papers.publication_year,
        papers.doi,
        reuses.{{ category }},
        reuses.ptm_instances,
        {{ field_weight('paper_fields.top3_topic_slots') }} as weight
    from papers
    inner join paper_fields on papers.doi = paper_fields.doi
    inner join reuses on papers.doi = reuses.doi

),

field_years as (

    select
        field_id,
        field_name,
        is_natural_science_field,
        publication_year,
        sum(weight) filter (where is_first_row) as papers_with_ptms,
        sum(weight * ptm_instances) as ptm_instances_total
    from (
        select
            *,
            row_number() over (partition by field_id, publication_year, doi order by {{ category }}) = 1 as is_first_row
        from weighted
    )
    group by field_id, field_name, is_natural_science_field, publication_year

),

per_category as (

    select
        field_id,
        publication_year,
        {{ category }},
        sum(weight) as papers,
        sum(weight * ptm_instances) as ptm_instances
    from weighted
    group by field_id, publication_year, {{ category }}

),

final as (

    select
        ----------  keys
        cast(field_years.field_id as integer) as field_id,
        field_years.field_name,
        field_years.is_natural_science_field,
        cast(field_years.publication_year as integer) as publication_year,
        categories.{{ category }},
        categories.display_name as {{ category }}_name,
        cast(categories.sort_order as integer) as {{ category }}_order,

        ---------- counts, shares within the field-year and their intervals (macros/ptm_category_shares.sql)
        {{ ptm_category_share_columns('per_category', 'field_years') }},

        ---------- settings
        {{ mart_setting_columns(selected_run_configuration()) }},

        ---------- field coverage
        {{ field_coverage_columns() }}

    from field_years
    cross join categories
    cross join simultaneous
    left join per_category
        on field_years.field_id = per_category.field_id
        and field_years.publication_year = per_category.publication_year
        and categories.{{ category }} = per_category.{{ category }}

)

select * from final

{% endmacro %}
