-- Adoption over time: per publication year, natural-science papers analysed, using deep learning and reusing PTMs
-- (each paper once, whatever its fields), with rates and their denominators.

with

papers as (

    select * from {{ ref('papers') }} where is_natural_science and is_in_year_window

)

select
    publication_year,
    count(*) as papers_in_scope,
    count(*) filter (where is_analysed) as papers_analysed,
    count(*) filter (where is_analysed and uses_dl) as papers_using_dl,
    count(*) filter (where is_analysed and uses_ptms) as papers_reusing_ptms,
    round(count(*) filter (where is_analysed and uses_dl) / nullif(count(*) filter (where is_analysed), 0), 3)
        as dl_rate,
    round(
        count(*) filter (where is_analysed and uses_ptms)
        / nullif(count(*) filter (where is_analysed and uses_dl), 0),
        3
    ) as ptm_rate_among_dl,
    any_value(natural_science_rule) as natural_science_rule,
    any_value(run_configuration) as run_configuration
from papers
group by publication_year
order by publication_year
