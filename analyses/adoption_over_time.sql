-- Adoption over time: per publication year, natural-science papers analysed, using deep learning and reusing PTMs
-- (each paper once, whatever its fields; marts.adoption_overall, scope year), each rate with its 95 % Wilson
-- interval and, where the classifier's error was measured, corrected for it.

with

years as (

    select * from {{ ref('adoption_overall') }} where scope = 'year'

)

select
    publication_year,
    papers_in_scope,
    papers_analysed,
    papers_using_dl,
    papers_reusing_ptms,
    round(dl_rate, 3) as dl_rate,
    round(dl_rate_ci_low, 3) as dl_rate_ci_low,
    round(dl_rate_ci_high, 3) as dl_rate_ci_high,
    round(dl_rate_corrected, 3) as dl_rate_corrected,
    round(ptm_rate, 3) as ptm_rate_among_dl,
    round(ptm_rate_ci_low, 3) as ptm_rate_among_dl_ci_low,
    round(ptm_rate_ci_high, 3) as ptm_rate_among_dl_ci_high,
    natural_science_rule,
    run_configuration
from years
order by publication_year
