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

---------- the steps, each keeping the papers of the step before (macros/funnel_steps.sql)

search_steps as (

    {{ funnel_steps('searched', 'searched', [
        ('openalex_matched', 'is_openalex_matched'),
        ('cited', 'is_cited'),
        ('natural_science', 'is_natural_science'),
        ('full_text', 'has_full_text'),
        ('analysed', 'is_analysed'),
        ('uses_dl', 'uses_dl'),
        ('uses_ptms', 'uses_ptms'),
    ]) }}

),

corpus_steps as (

    {{ funnel_steps('from_corpus', 'full_text', [
        ('natural_science', 'is_natural_science'),
        ('analysed', 'is_analysed'),
        ('uses_dl', 'uses_dl'),
        ('uses_ptms', 'uses_ptms'),
    ]) }}

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
