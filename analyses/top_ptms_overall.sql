-- The most reused pre-trained models over all natural-science papers of the window (each paper once), ranked by
-- marts.top_ptms (ties share a rank), with their usual pattern and stage, the spellings the papers used, and the
-- fields where they rank first.

with

overall as (

    select * from {{ ref('top_ptms') }} where scope = 'all_fields'

),

spellings as (

    select canonical_name, list(distinct raw_name order by raw_name)[1:5] as spellings
    from {{ ref('ptm_reuse') }}
    where is_natural_science and is_in_year_window
    group by canonical_name

),

field_leaders as (

    select canonical_name, list(field_name order by field_name) as leads_in_fields
    from {{ ref('top_ptms') }}
    where scope = 'field' and rank_in_field = 1 and is_natural_science_field
    group by canonical_name

)

select
    overall.rank_in_field as rank,
    overall.canonical_name,
    overall.papers,
    overall.first_year_seen,
    overall.dominant_reuse_pattern as usual_pattern,
    overall.dominant_stage as usual_stage,
    overall.is_catalogued,
    spellings.spellings,
    coalesce(field_leaders.leads_in_fields, []) as leads_in_fields
from overall
left join spellings on overall.canonical_name = spellings.canonical_name
left join field_leaders on overall.canonical_name = field_leaders.canonical_name
where overall.rank_in_field <= 25
order by overall.rank_in_field, overall.canonical_name
