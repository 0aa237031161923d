{#-
    Adoption per field × year over the natural-science papers (var natural_science_rule) inside the year window.
    var counting_convention: distinct_paper (default) counts a paper once in each of its top-3 fields; topic_slot
    counts it once per top-3 topic slot in the field (up to 3×), as the study's scripts did.
-#}

with

papers as (

    select * from {{ ref('papers') }} where is_natural_science and is_in_year_window

),

paper_fields as (

    select * from {{ ref('int_paper_fields') }} where top3_topic_slots > 0

),

weighted as (

    select
        paper_fields.field_id,
        paper_fields.field_name,
        paper_fields.domain_name,
        paper_fields.is_natural_science_field,
        papers.publication_year,
        papers.is_analysed,
        papers.uses_dl,
        papers.uses_ptms,
        {{ field_weight('paper_fields.top3_topic_slots') }} as weight
    from papers
    inner join paper_fields on papers.doi = paper_fields.doi

),

aggregated as (

    select
        field_id,
        field_name,
        domain_name,
        is_natural_science_field,
        publication_year,
        sum(weight) as papers_in_scope,
        coalesce(sum(weight) filter (where is_analysed), 0) as papers_analysed,
        coalesce(sum(weight) filter (where is_analysed and uses_dl), 0) as papers_using_dl,
        coalesce(sum(weight) filter (where is_analysed and uses_ptms), 0) as papers_reusing_ptms
    from weighted
    group by field_id, field_name, domain_name, is_natural_science_field, publication_year

),

settings as (

    select {{ mart_setting_columns(selected_run_configuration()) }}

),

corrected as {{ corrected_adoption_rates('aggregated', ['field_id', 'publication_year']) }},

final as (

    select
        ----------  keys
        cast(aggregated.field_id as integer) as field_id,
        aggregated.field_name,
        aggregated.domain_name,
        aggregated.is_natural_science_field,
        cast(aggregated.publication_year as integer) as publication_year,

        ---------- counts
        cast(aggregated.papers_in_scope as bigint) as papers_in_scope,
        cast(aggregated.papers_analysed as bigint) as papers_analysed,
        cast(aggregated.papers_in_scope - aggregated.papers_analysed as bigint) as papers_not_analysed,
        cast(aggregated.papers_using_dl as bigint) as papers_using_dl,
        cast(aggregated.papers_reusing_ptms as bigint) as papers_reusing_ptms,

        ---------- rates (numerator / denominator, null when the denominator is 0)
        cast(aggregated.papers_using_dl / nullif(aggregated.papers_analysed, 0) as double) as dl_rate,
        cast(aggregated.papers_analysed as bigint) as dl_rate_denominator,
        cast(aggregated.papers_reusing_ptms / nullif(aggregated.papers_using_dl, 0) as double) as ptm_rate,
        cast(aggregated.papers_using_dl as bigint) as ptm_rate_denominator,
        cast(aggregated.papers_reusing_ptms / nullif(aggregated.papers_analysed, 0) as double)
            as ptm_rate_of_analysed,

        ---------- 95 % Wilson intervals of the rates (macros/intervals.sql)
        {{ wilson_columns('aggregated.papers_using_dl', 'aggregated.papers_analysed', 'dl_rate') }},
        {{ wilson_columns('aggregated.papers_reusing_ptms', 'aggregated.papers_using_dl', 'ptm_rate') }},
        {{ wilson_columns('aggregated.papers_reusing_ptms', 'aggregated.papers_analysed', 'ptm_rate_of_analysed') }},

        ---------- rates corrected for the classifier's measured error (macros/corrections.sql)
        {{ corrected_adoption_columns('corrected') }},

        ---------- settings
        settings.*,

        ---------- field coverage
        {{ field_coverage_columns() }}

    from aggregated
    cross join settings
    left join corrected
        on aggregated.field_id = corrected.field_id and aggregated.publication_year = corrected.publication_year

)

select * from final
