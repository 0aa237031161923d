-- The funnel per source as the study's figure Q shows it, one row per source with a column per step.

select
    source,
    source_kind,
    max(papers) filter (where step = 'searched') as searched,
    max(papers) filter (where step = 'openalex_matched') as openalex_matched,
    max(papers) filter (where step = 'cited') as cited,
    max(papers) filter (where step = 'natural_science') as natural_science,
    max(papers) filter (where step = 'full_text') as full_text,
    max(papers) filter (where step = 'analysed') as analysed,
    max(papers) filter (where step = 'uses_dl') as uses_dl,
    max(papers) filter (where step = 'uses_ptms') as uses_ptms,
    any_value(natural_science_rule) as natural_science_rule,
    any_value(run_configuration) as run_configuration
from {{ ref('pipeline_funnel') }}
group by source, source_kind
order by source_kind desc, source asc
