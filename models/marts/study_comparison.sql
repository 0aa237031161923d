{#-
    Our funnel beside the study's published funnels (seed study_published_figures), step by step. Ours is
    marts.pipeline_funnel summed over sources (distinct DOIs within each source, like the study's DOIs deduplicated
    within each megajournal search), under our active natural-science rule and counting convention, which every row
    states beside the study's. A step we have no data for (e.g. no search run) is null, never 0.
-#}

with

study as (

    select * from {{ ref('study_published_figures') }} where figure = 'funnel'

),

ours_by_step as (

    select
        step,
        sum(papers) as papers,
        string_agg(distinct source, ', ' order by source) as sources,
        any_value(natural_science_rule) as natural_science_rule,
        any_value(counting_convention) as counting_convention,
        any_value(run_configuration) as run_configuration
    from {{ ref('pipeline_funnel') }}
    group by step

),

-- each release's steps with ours beside them, and our previous step's count within that release
ours as (

    select
        study.data_release,
        ours_by_step.*,
        lag(ours_by_step.papers) over (
            partition by study.data_release order by study.step_order
        ) as previous_papers
    from study
    left join ours_by_step on study.step = ours_by_step.step

),

final as (

    select
        ----------  keys
        study.data_release,
        cast(study.step_order as integer) as step_order,
        study.step,

        ---------- the study
        cast(study.papers as bigint) as study_papers,
        cast(study.papers / nullif(study.of_papers, 0) as double) as study_share_of_previous,
        study.natural_science_rule as study_natural_science_rule,
        study.counting as study_counting,
        study.source as study_source,

        ---------- ours
        cast(ours.papers as bigint) as our_papers,
        cast(ours.papers / nullif(ours.previous_papers, 0) as double) as our_share_of_previous,
        {{ wilson_columns('ours.papers', 'ours.previous_papers', 'our_share_of_previous') }},
        ours.sources as our_sources,
        cast(ours.papers / nullif(study.papers, 0) as double) as our_papers_per_study_paper,

        ---------- our settings
        {{ mart_setting_columns(selected_run_configuration()) }}

    from study
    left join ours on study.data_release = ours.data_release and study.step = ours.step

)

select * from final
