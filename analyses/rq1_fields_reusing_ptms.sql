-- RQ1: which natural-science fields reuse pre-trained models most?
-- Papers counted once per field (counting_convention distinct_paper); rates carry their denominators.

with

adoption as (

    select * from {{ ref('field_year_adoption') }} where is_natural_science_field

),

per_field as (

    select
        field_id,
        field_name,
        sum(papers_analysed) as papers_analysed,
        sum(papers_using_dl) as papers_using_dl,
        sum(papers_reusing_ptms) as papers_reusing_ptms,
        min(publication_year) as first_year,
        max(publication_year) as last_year,
        any_value(counting_convention) as counting_convention,
        any_value(natural_science_rule) as natural_science_rule,
        any_value(run_configuration) as run_configuration
    from adoption
    group by field_id, field_name

)

select
    field_name,
    papers_analysed,
    papers_using_dl,
    papers_reusing_ptms,
    round(papers_using_dl / nullif(papers_analysed, 0), 3) as dl_rate,
    round(papers_reusing_ptms / nullif(papers_using_dl, 0), 3) as ptm_rate_among_dl,
    round(papers_reusing_ptms / nullif(papers_analysed, 0), 3) as ptm_rate_of_analysed,
    first_year,
    last_year,
    counting_convention,
    natural_science_rule,
    run_configuration
from per_field
order by papers_reusing_ptms desc, ptm_rate_of_analysed desc nulls last, field_name asc
