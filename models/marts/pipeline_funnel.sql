{#-
    The study's funnel (its figure Q, carried on to the classifier), per source, in distinct DOIs.

    Search sources (plos, europepmc): searched (hits of the year window) → openalex_matched → cited
    (cited_by_count > 0) → natural_science (var natural_science_rule; includes the citation condition when
    var natural_science_requires_citations is on) → full_text (in the warehouse) → analysed (both questions
    answered by the selected run configuration) → uses_dl → uses_ptms. Each step keeps the papers of the step before.

    Corpus sources: papers ingested straight from a corpus that no search found enter at full_text (publication
    year in the window), then natural_science → analysed → uses_dl → uses_ptms. step_order is the order of the
    steps within the source.
-#}

with

hits as (

    select doi, search_source
    from {{ ref('stg_search__hits') }}
    where {{ in_year_window('search_year') }}

),

works as (

    select doi, max(cited_by_count) as cited_by_count
    from {{ ref('stg_openalex__works') }}
    where doi is not null
    group by doi

),

natural_science as (

    select distinct doi from {{ ref('int_paper_fields') }} where is_natural_science

),

papers as (

    select doi, corpus, is_in_year_window, is_analysed, uses_dl, uses_ptms from {{ ref('papers') }}

),

---------- one row per source × DOI with a flag per condition

searched as (

    select
        hits.search_source as source,
        'search' as source_kind,
        hits.doi,
        works.doi is not null as is_openalex_matched,
        coalesce(works.cited_by_count > 0, false) as is_cited,
        natural_science.doi is not null as is_natural_science,
        papers.doi is not null as has_full_text,
        coalesce(papers.is_analysed, false) as is_analysed,
        coalesce(papers.is_analysed and papers.uses_dl, false) as uses_dl,
        coalesce(papers.is_analysed and papers.uses_ptms, false) as uses_ptms
    from (select distinct doi, search_source from hits) as hits
    left join works on hits.doi = works.doi
    left join natural_science on hits.doi = natural_science.doi
    left join papers on hits.doi = papers.doi

),

from_corpus as (

    select
        'corpus:' || coalesce(papers.corpus, 'unknown') as source,
        'corpus' as source_kind,
        papers.doi,
        natural_science.doi is not null as is_natural_science,
        coalesce(papers.is_analysed, false) as is_analysed,
        coalesce(papers.is_analysed and papers.uses_dl, false) as uses_dl,
        coalesce(papers.is_analysed and papers.uses_ptms, false) as uses_ptms
    from papers
    left join natural_science on papers.doi = natural_science.doi
    where papers.is_in_year_window and papers.doi not in (select doi from hits)

),

---------- the steps, cumulative

search_steps as (

    select
        source,
        source_kind,
        1 as step_order,
        'searched' as step,
        count(*) as papers
    from searched
    group by source, source_kind
    union all
    select
        source,
        source_kind,
        2 as step_order,
        'openalex_matched' as step,
        count(*) filter (where is_openalex_matched) as papers
    from searched
    group by source, source_kind
    union all
    select
        source,
        source_kind,
        3 as step_order,
        'cited' as step,
        count(*) filter (where is_openalex_matched and is_cited) as papers
    from searched
    group by source, source_kind
    union all
    select
        source,
        source_kind,
        4 as step_order,
        'natural_science' as step,
        count(*) filter (where is_openalex_matched and is_cited and is_natural_science) as papers
    from searched
    group by source, source_kind
    union all
    select
        source,
        source_kind,
        5 as step_order,
        'full_text' as step,
        count(*) filter (where is_openalex_matched and is_cited and is_natural_science and has_full_text) as papers
    from searched
    group by source, source_kind
    union all
    select
        source,
        source_kind,
        6 as step_order,
        'analysed' as step,
        count(*) filter (
            where is_openalex_matched and is_cited and is_natural_science
            and has_full_text and is_analysed
        ) as papers
    from searched
    group by source, source_kind
    union all
    select
        source,
        source_kind,
        7 as step_order,
        'uses_dl' as step,
        count(*) filter (
            where is_openalex_matched and is_cited and is_natural_science
            and has_full_text and uses_dl
        ) as papers
    from searched
    group by source, source_kind
    union all
    select
        source,
        source_kind,
        8 as step_order,
        'uses_ptms' as step,
        count(*) filter (
            where is_openalex_matched and is_cited and is_natural_science
            and has_full_text and uses_dl and uses_ptms
        ) as papers
    from searched
    group by source, source_kind

),

corpus_steps as (

    select
        source,
        source_kind,
        1 as step_order,
        'full_text' as step,
        count(*) as papers
    from from_corpus
    group by source, source_kind
    union all
    select
        source,
        source_kind,
        2 as step_order,
        'natural_science' as step,
        count(*) filter (where is_natural_science) as papers
    from from_corpus
    group by source, source_kind
    union all
    select
        source,
        source_kind,
        3 as step_order,
        'analysed' as step,
        count(*) filter (where is_natural_science and is_analysed) as papers
    from from_corpus
    group by source, source_kind
    union all
    select
        source,
        source_kind,
        4 as step_order,
        'uses_dl' as step,
        count(*) filter (where is_natural_science and uses_dl) as papers
    from from_corpus
    group by source, source_kind
    union all
    select
        source,
        source_kind,
        5 as step_order,
        'uses_ptms' as step,
        count(*) filter (where is_natural_science and uses_dl and uses_ptms) as papers
    from from_corpus
    group by source, source_kind

),

steps as (

    select * from search_steps
    union all
    select * from corpus_steps

),

final as (

    select
        ----------  keys
        source,
        source_kind,
        cast(step_order as integer) as step_order,
        step,

        ---------- counts
        cast(papers as bigint) as papers,
        cast(lag(papers) over (partition by source order by step_order) as bigint) as previous_step_papers,
        cast(papers / nullif(lag(papers) over (partition by source order by step_order), 0) as double)
            as share_of_previous,
        cast(papers / nullif(first_value(papers) over (partition by source order by step_order), 0) as double)
            as share_of_first,

        ---------- settings
        {{ mart_setting_columns(selected_run_configuration()) }},

        ---------- field coverage
        {{ field_coverage_columns() }}

    from steps

),

---------- 95 % Wilson intervals of the shares (macros/intervals.sql)

with_intervals as (

    select
        final.*,
        {{ wilson_columns('papers', 'previous_step_papers', 'share_of_previous') }},
        {{ wilson_columns('papers', 'first_step_papers', 'share_of_first') }}
    from (
        select *, first_value(papers) over (partition by source order by step_order) as first_step_papers
        from final
    ) as final

)

select * exclude (first_step_papers) from with_intervals
