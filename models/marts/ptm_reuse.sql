with

mentions as (

    select * from {{ ref('int_paper_ptms') }} where run_configuration = {{ selected_run_configuration() }}

),

papers as (

    select
        doi,
        publication_year,
        primary_field_id,
        is_natural_science,
        is_in_year_window,
        run_configuration,
        natural_science_rule,
        natural_science_requires_citations,
        counting_convention,
        year_min,
        year_max
    from {{ ref('papers') }}

),

---------- one row per paper × canonical PTM × pattern × stage; the first mention speaks for the others

reuses as (

    select
        doi,
        canonical_name,
        reuse_pattern,
        stage,
        any_value(raw_name order by mention_index) as raw_name,
        list(distinct raw_name order by raw_name) as raw_names,
        any_value(form order by mention_index) as form,
        any_value(evidence order by mention_index) as evidence,
        coalesce(bool_or(is_grounded), false) as is_grounded,
        bool_and(is_catalogued) as is_catalogued,
        count(*) as mentions
    from mentions
    group by doi, canonical_name, reuse_pattern, stage

),

final as (

    select
        ----------  ids
        reuses.doi,
        reuses.canonical_name,
        reuses.reuse_pattern,
        reuses.stage,

        ---------- as written
        reuses.raw_name,
        cast(reuses.raw_names as varchar[]) as raw_names,
        reuses.form,
        reuses.evidence,
        reuses.is_grounded,
        reuses.is_catalogued,
        cast(reuses.mentions as integer) as mentions,

        ---------- paper
        papers.publication_year,
        papers.primary_field_id,
        papers.is_natural_science,
        papers.is_in_year_window,

        ---------- settings
        papers.run_configuration,
        papers.natural_science_rule,
        papers.natural_science_requires_citations,
        papers.counting_convention,
        papers.year_min,
        papers.year_max

    from reuses
    inner join papers on reuses.doi = papers.doi

)

select * from final
