-- RQ2: which reuse patterns dominate? Over all natural-science papers of the window (each paper once, whatever its
-- fields), then the pattern that leads in each field.

with

reuses as (

    select * from {{ ref('ptm_reuse') }} where is_natural_science and is_in_year_window

),

overall as (

    select
        'all natural-science fields' as scope,
        reuse_pattern,
        count(distinct doi) as papers,
        -- distinct (paper, PTM) pairs: the parentheses make a row value, so they stay
        count(distinct (doi, canonical_name)) as ptm_instances  -- noqa: ST08, LT01, LT06
    from reuses
    group by reuse_pattern

),

by_field as (

    select
        field_name as scope,
        reuse_pattern,
        sum(papers) as papers,
        sum(ptm_instances) as ptm_instances
    from {{ ref('reuse_patterns') }}
    where is_natural_science_field
    group by field_name, reuse_pattern

),

combined as (

    select * from overall
    union all
    select * from by_field

)

select
    scope,
    reuse_pattern,
    papers,
    ptm_instances,
    round(ptm_instances / nullif(sum(ptm_instances) over (partition by scope), 0), 3) as share_of_instances,
    rank() over (partition by scope order by ptm_instances desc) as rank_in_scope
from combined
order by scope = 'all natural-science fields' desc, scope, rank_in_scope asc, reuse_pattern asc
