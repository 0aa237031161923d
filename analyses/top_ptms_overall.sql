-- The most reused pre-trained models over all natural-science papers of the window (each paper once), with their
-- usual pattern and stage and the fields where they rank first.

with

reuses as (

    select * from {{ ref('ptm_reuse') }} where is_natural_science and is_in_year_window

),

per_ptm as (

    select
        canonical_name,
        count(distinct doi) as papers,
        min(publication_year) as first_year_seen,
        mode(reuse_pattern order by reuse_pattern) as usual_pattern,
        mode(stage order by stage) as usual_stage,
        bool_and(is_catalogued) as is_catalogued,
        list(distinct raw_name order by raw_name)[1:5] as spellings
    from reuses
    group by canonical_name

),

field_leaders as (

    select canonical_name, list(field_name order by field_name) as leads_in_fields
    from {{ ref('top_ptms') }}
    where rank_in_field = 1 and is_natural_science_field
    group by canonical_name

)

select
    per_ptm.canonical_name,
    per_ptm.papers,
    per_ptm.first_year_seen,
    per_ptm.usual_pattern,
    per_ptm.usual_stage,
    per_ptm.is_catalogued,
    per_ptm.spellings,
    coalesce(field_leaders.leads_in_fields, []) as leads_in_fields
from per_ptm
left join field_leaders on per_ptm.canonical_name = field_leaders.canonical_name
order by per_ptm.papers desc, per_ptm.canonical_name
limit 25
