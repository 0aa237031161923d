-- RQ2: which reuse patterns dominate? Over all natural-science papers of the window (each paper once, whatever its
-- fields), then per field over all years (marts.reuse_patterns_overall): distinct paper × PTM pairs, each share
-- with its simultaneous 95 % interval and, where the classifier's error was measured, corrected for it.

with

shares as (

    select * from {{ ref('reuse_patterns_overall') }}
    where scope = 'overall' or (scope = 'field' and is_natural_science_field)

)

select
    case when scope = 'overall' then 'all natural-science fields' else field_name end as scope,
    reuse_pattern,
    papers,
    ptm_instances,
    round(share_of_instances, 3) as share_of_instances,
    round(share_of_instances_ci_low, 3) as share_of_instances_ci_low,
    round(share_of_instances_ci_high, 3) as share_of_instances_ci_high,
    round(share_of_instances_corrected, 3) as share_of_instances_corrected,
    rank() over (partition by scope, field_id order by ptm_instances desc) as rank_in_scope
from shares
order by scope = 'overall' desc, field_name asc, rank_in_scope asc, reuse_pattern asc
