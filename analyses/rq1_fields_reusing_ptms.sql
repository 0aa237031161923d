-- RQ1: which natural-science fields reuse pre-trained models most? One row per field over all years of the window
-- (marts.adoption_overall, scope field: papers counted per counting_convention), each rate with its 95 % Wilson
-- interval and, where the classifier's error was measured, corrected for it.

with

fields as (

    select * from {{ ref('adoption_overall') }} where scope = 'field' and is_natural_science_field

),

years as (

    select field_id, min(publication_year) as first_year, max(publication_year) as last_year
    from {{ ref('field_year_adoption') }}
    group by field_id

)

select
    fields.field_name,
    fields.papers_analysed,
    fields.papers_using_dl,
    fields.papers_reusing_ptms,
    round(fields.dl_rate, 3) as dl_rate,
    round(fields.ptm_rate, 3) as ptm_rate_among_dl,
    round(fields.ptm_rate_of_analysed, 3) as ptm_rate_of_analysed,
    round(fields.ptm_rate_of_analysed_ci_low, 3) as ptm_rate_of_analysed_ci_low,
    round(fields.ptm_rate_of_analysed_ci_high, 3) as ptm_rate_of_analysed_ci_high,
    round(fields.ptm_rate_of_analysed_corrected, 3) as ptm_rate_of_analysed_corrected,
    years.first_year,
    years.last_year,
    fields.counting_convention,
    fields.natural_science_rule,
    fields.run_configuration
from fields
left join years on fields.field_id = years.field_id
order by fields.papers_reusing_ptms desc, fields.ptm_rate_of_analysed desc nulls last, fields.field_name asc
