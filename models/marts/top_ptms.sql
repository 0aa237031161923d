{#-
    The one computation of "top PTMs": reused PTMs (canonical names) over natural-science papers in the year window,
    ranked per field (scope field, weighted by counting_convention) and over all fields together (scope all_fields,
    each paper once). The report, the demo summary and analyses/ read it. Ranks are competition ranks (ties share a
    rank, the next rank skips), so a "top 3" cut keeps every model tied at 3rd; models_at_rank counts them. The
    dominant pattern and stage are those with the most papers; ties go to the earlier one in the seeds' order.
-#}

with

papers as (

    select doi, publication_year from {{ ref('papers') }} where is_natural_science and is_in_year_window

),

paper_fields as (

    select * from {{ ref('int_paper_fields') }} where top3_topic_slots > 0

),

reuses as (

    select doi, canonical_name, reuse_pattern, stage, is_catalogued from {{ ref('ptm_reuse') }}

),

patterns as (

    select reuse_pattern, sort_order from {{ ref('reuse_pattern_definitions') }}

),

stages as (

    select stage, sort_order from {{ ref('scientific_stages') }}

),

---------- paper × field × PTM (× pattern × stage), weighted

weighted as (

    select
        paper_fields.field_id,
        paper_fields.field_name,
        paper_fields.is_natural_science_field,
        reuses.canonical_name,
        reuses.reuse_pattern,
        reuses.stage,
        reuses.is_catalogued,
        papers.doi,
        papers.publication_year,
        {{ field_weight('paper_fields.top3_topic_slots') }} as weight
    from papers
    inner join paper_fields on papers.doi = paper_fields.doi
    inner join reuses on papers.doi = reuses.doi

),

---------- the same over all fields together: each paper once

scoped as (

    select 'field' as scope, * from weighted
    union all
    select
        'all_fields' as scope,
        cast(null as integer) as field_id,
        cast(null as varchar) as field_name,
        cast(null as boolean) as is_natural_science_field,
        reuses.canonical_name,
        reuses.reuse_pattern,
        reuses.stage,
        reuses.is_catalogued,
        papers.doi,
        papers.publication_year,
        1 as weight
    from papers
    inner join reuses on papers.doi = reuses.doi

),

per_ptm as (

    select
        scope,
        field_id,
        any_value(field_name) as field_name,
        any_value(is_natural_science_field) as is_natural_science_field,
        canonical_name,
        bool_and(is_catalogued) as is_catalogued,
        min(publication_year) as first_year_seen,
        max(publication_year) as last_year_seen,
        sum(weight) as ptm_reuses
    from scoped
    group by scope, field_id, canonical_name

),

paper_counts as (

    select scope, field_id, canonical_name, sum(weight) as papers
    from (select distinct scope, field_id, canonical_name, doi, weight from scoped) as paper_rows
    group by scope, field_id, canonical_name

),

pattern_counts as (

    select scope, field_id, canonical_name, reuse_pattern, sum(weight) as papers
    from (select distinct scope, field_id, canonical_name, reuse_pattern, doi, weight from scoped) as pattern_rows
    group by scope, field_id, canonical_name, reuse_pattern

),

dominant_patterns as (

    select
        pattern_counts.scope,
        pattern_counts.field_id,
        pattern_counts.canonical_name,
        pattern_counts.reuse_pattern
    from pattern_counts
    inner join patterns on pattern_counts.reuse_pattern = patterns.reuse_pattern
    qualify row_number() over (
        partition by pattern_counts.scope, pattern_counts.field_id, pattern_counts.canonical_name
        order by pattern_counts.papers desc, patterns.sort_order asc
    ) = 1

),

stage_counts as (

    select scope, field_id, canonical_name, stage, sum(weight) as papers
    from (select distinct scope, field_id, canonical_name, stage, doi, weight from scoped) as stage_rows
    group by scope, field_id, canonical_name, stage

),

dominant_stages as (

    select stage_counts.scope, stage_counts.field_id, stage_counts.canonical_name, stage_counts.stage
    from stage_counts
    inner join stages on stage_counts.stage = stages.stage
    qualify row_number() over (
        partition by stage_counts.scope, stage_counts.field_id, stage_counts.canonical_name
        order by stage_counts.papers desc, stages.sort_order asc
    ) = 1

),

final as (

    select
        ----------  keys
        per_ptm.scope,
        cast(per_ptm.field_id as integer) as field_id,
        per_ptm.field_name,
        per_ptm.is_natural_science_field,
        per_ptm.canonical_name,
        per_ptm.is_catalogued,

        ---------- counts
        cast(paper_counts.papers as bigint) as papers,
        cast(per_ptm.ptm_reuses as bigint) as ptm_reuses,
        cast(rank() over (partition by per_ptm.scope, per_ptm.field_id order by paper_counts.papers desc) as integer)
            as rank_in_field,
        cast(count(*) over (partition by per_ptm.scope, per_ptm.field_id, paper_counts.papers) as integer)
            as models_at_rank,
        cast(per_ptm.first_year_seen as integer) as first_year_seen,
        cast(per_ptm.last_year_seen as integer) as last_year_seen,

        ---------- typical use
        dominant_patterns.reuse_pattern as dominant_reuse_pattern,
        dominant_stages.stage as dominant_stage,

        ---------- settings
        {{ mart_setting_columns(selected_run_configuration()) }},

        ---------- field coverage
        {{ field_coverage_columns() }}

    from per_ptm
    inner join paper_counts
        on
            per_ptm.scope = paper_counts.scope
            and per_ptm.field_id is not distinct from paper_counts.field_id
            and per_ptm.canonical_name = paper_counts.canonical_name
    left join dominant_patterns
        on
            per_ptm.scope = dominant_patterns.scope
            and per_ptm.field_id is not distinct from dominant_patterns.field_id
            and per_ptm.canonical_name = dominant_patterns.canonical_name
    left join dominant_stages
        on
            per_ptm.scope = dominant_stages.scope
            and per_ptm.field_id is not distinct from dominant_stages.field_id
            and per_ptm.canonical_name = dominant_stages.canonical_name

)

select * from final
