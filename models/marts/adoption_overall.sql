{#-
    Deep-learning use and PTM reuse with their intervals at the levels users quote without re-aggregating:
    scope `overall` (every natural-science paper of the year window, once), `year` (the same per publication year)
    and `field` (one OpenAlex field over every year, summed from field_year_adoption, so weighted by the counting
    convention). Wilson intervals and classifier-corrected rates as in field_year_adoption.
-#}

with

papers as (

    select publication_year, is_analysed, uses_dl, uses_ptms
    from {{ ref('papers') }}
    where is_natural_science and is_in_year_window

),

by_paper as (

    select
        case when grouping(publication_year) = 1 then 'overall' else 'year' end as scope,
        cast(null as integer) as field_id,
        cast(null as varchar) as field_name,
        cast(null as boolean) as is_natural_science_field,
        case when grouping(publication_year) = 0 then publication_year end as publication_year,
        count(*) as papers_in_scope,
        count(*) filter (where is_analysed) as papers_analysed,
        count(*) filter (where is_analysed and uses_dl) as papers_using_dl,
        count(*) filter (where is_analysed and uses_ptms) as papers_reusing_ptms
    from papers
    group by grouping sets ((), (publication_year))

),

by_field as (

    select
        'field' as scope,
        field_id,
        field_name,
        is_natural_science_field,
        cast(null as integer) as publication_year,
        sum(papers_in_scope) as papers_in_scope,
        sum(papers_analysed) as papers_analysed,
        sum(papers_using_dl) as papers_using_dl,
        sum(papers_reusing_ptms) as papers_reusing_ptms
    from {{ ref('field_year_adoption') }}
    group by field_id, field_name, is_natural_science_field

),

aggregated as (

    select
        scope || coalesce(':' || field_id, '') || coalesce(':' || publication_year, '') as row_key,
        *
    from (
        select * from by_paper
        union all
        select * from by_field
    ) as scopes

),

corrected as {{ corrected_adoption_rates('aggregated', ['row_key']) }},

final as (

    select
        ----------  keys
        aggregated.row_key,
        aggregated.scope,
        cast(aggregated.field_id as integer) as field_id,
        aggregated.field_name,
        aggregated.is_natural_science_field,
        cast(aggregated.publication_year as integer) as publication_year,

        ---------- counts
        cast(aggregated.papers_in_scope as bigint) as papers_in_scope,
        cast(aggregated.papers_analysed as bigint) as papers_analysed,
        cast(aggregated.papers_using_dl as bigint) as papers_using_dl,
        cast(aggregated.papers_reusing_ptms as bigint) as papers_reusing_ptms,

        ---------- rates with their 95 % Wilson intervals (macros/intervals.sql)
        cast(aggregated.papers_using_dl / nullif(aggregated.papers_analysed, 0) as double) as dl_rate,
        {{ wilson_columns('aggregated.papers_using_dl', 'aggregated.papers_analysed', 'dl_rate') }},
        cast(aggregated.papers_reusing_ptms / nullif(aggregated.papers_using_dl, 0) as double) as ptm_rate,
        {{ wilson_columns('aggregated.papers_reusing_ptms', 'aggregated.papers_using_dl', 'ptm_rate') }},
        cast(aggregated.papers_reusing_ptms / nullif(aggregated.papers_analysed, 0) as double)
            as ptm_rate_of_analysed,
        {{ wilson_columns('aggregated.papers_reusing_ptms', 'aggregated.papers_analysed', 'ptm_rate_of_analysed') }},

        ---------- rates corrected for the classifier's measured error (macros/corrections.sql)
        {{ corrected_adoption_columns('corrected') }},

        ---------- settings
        {{ mart_setting_columns(selected_run_configuration()) }}

    from aggregated
    left join corrected on aggregated.row_key = corrected.row_key

)

select * from final
