-- The study's six keywords: distinct DOIs each found per source, and the share of the source's hits (its figure
-- Q-update pies). A DOI found by two keywords counts under both; keywords that found nothing show 0.

with

keywords as (

    select keyword, phrase, sort_order from {{ ref('search_keywords') }}

),

hits as (

    select search_source, keyword, count(distinct doi) as papers
    from {{ ref('stg_search__hits') }}
    where {{ in_year_window('search_year') }}
    group by search_source, keyword

),

sources as (

    select distinct search_source from hits

)

select
    coalesce(sources.search_source, 'none searched yet') as search_source,
    keywords.phrase as keyword,
    coalesce(hits.papers, 0) as papers,
    round(coalesce(hits.papers, 0) / nullif(sum(hits.papers) over (partition by sources.search_source), 0), 3)
        as share_of_source_hits
from keywords
left join sources on true
left join hits on keywords.keyword = hits.keyword and sources.search_source = hits.search_source
order by search_source, keywords.sort_order
