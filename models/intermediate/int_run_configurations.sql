{#-
    One row per classifier run configuration (backend | protocol | model | prompt versions) with its coverage, and
    the one whose labels feed the marts (is_selected).

    coverage           papers with complete labels (int_paper_labels.is_analysed) / papers in the warehouse
    failed_call_share  calls (one per paper × prompt, across the configuration's runs) that never got a valid
                       answer (parse_error, refused or api_error, and no later success) / calls made

    Selection:
    - var classifier_run (a run id) selects that run's configuration; var classifier_configuration selects a
      configuration by name; if both are given they must agree. Either may pick any configuration.
    - Otherwise, the default: among the configurations that labelled papers, have a run that did not fail and
      whose calls did not mostly fail (failed_call_share ≤ 0.5), the one with the highest coverage; ties go to the
      one run most recently. So a 10-paper trial run, or a run whose every call failed, does not replace the
      labels of a configuration that covers more papers; choose it explicitly to use it.
-#}
{%- set chosen = settings() -%}
{%- set max_failed_call_share = 0.5 -%}

with

runs as (

    select * from {{ ref('stg_classifier__runs') }}

),

labels as (

    select run_id, cache_key, label_status from {{ ref('stg_classifier__labels') }}

),

paper_labels as (

    select run_configuration, is_analysed from {{ ref('int_paper_labels') }}

),

papers as (

    select count(*) as papers_in_warehouse from {{ ref('stg_jats__papers') }}

),

---------- per configuration: its runs, its coverage, its calls

configuration_runs as (

    select
        run_configuration,
        any_value(backend) as backend,
        any_value(protocol) as protocol,
        any_value(model) as model,
        any_value(prompt_versions) as prompt_versions,
        count(*) as runs,
        count(*) filter (where run_status = 'failed') as failed_runs,
        arg_max(run_id, coalesce(finished_at, started_at)) as last_run_id,
        max(coalesce(finished_at, started_at)) as last_run_at
    from runs
    group by run_configuration

),

coverage as (

    select run_configuration, count(*) filter (where is_analysed) as papers_analysed
    from paper_labels
    group by run_configuration

),

calls as (

    select
        runs.run_configuration,
        labels.cache_key,
        bool_or(labels.label_status = 'ok') as is_answered
    from labels
    inner join runs on labels.run_id = runs.run_id
    where labels.label_status in ('ok', 'parse_error', 'refused', 'api_error')
    group by runs.run_configuration, labels.cache_key

),

call_outcomes as (

    select run_configuration, count(*) as calls, count(*) filter (where not is_answered) as failed_calls
    from calls
    group by run_configuration

),

measured as (

    select
        configuration_runs.*,
        papers.papers_in_warehouse,
        coalesce(coverage.papers_analysed, 0) as papers_analysed,
        coalesce(coverage.papers_analysed / nullif(papers.papers_in_warehouse, 0), 0) as coverage,
        coalesce(call_outcomes.calls, 0) as calls,
        coalesce(call_outcomes.failed_calls, 0) as failed_calls,
        call_outcomes.failed_calls / nullif(call_outcomes.calls, 0) as failed_call_share
    from configuration_runs
    cross join papers
    left join coverage on configuration_runs.run_configuration = coverage.run_configuration
    left join call_outcomes on configuration_runs.run_configuration = call_outcomes.run_configuration

),

eligible as (

    select
        *,
        (
            papers_analysed > 0
            and failed_runs < runs
            and coalesce(failed_call_share, 0) <= {{ max_failed_call_share }}
        ) as is_eligible
    from measured

),

---------- the selection

chosen as (

    {% if chosen.classifier_run is not none -%}
        select run_configuration, 'classifier_run' as selected_by
        from runs
        where
            run_id = '{{ chosen.classifier_run | replace("'", "''") }}'
            {% if chosen.classifier_configuration is not none -%}
                and run_configuration = '{{ chosen.classifier_configuration | replace("'", "''") }}'
            {%- endif %}
    {%- elif chosen.classifier_configuration is not none -%}
        select run_configuration, 'classifier_configuration' as selected_by
        from eligible
        where run_configuration = '{{ chosen.classifier_configuration | replace("'", "''") }}'
    {%- else -%}
        select run_configuration, 'coverage' as selected_by
        from eligible
        where is_eligible
        order by coverage desc, last_run_at desc nulls last, run_configuration asc
        limit 1
    {%- endif %}

),

-- An explicit choice that matches nothing stops the build here, naming what exists.
unmatched_choice as (

    select
        {% if chosen.classifier_run is not none or chosen.classifier_configuration is not none -%}
            case
                when not exists (select 1 from chosen) then error(
                    {% if chosen.classifier_run is not none and chosen.classifier_configuration is not none -%}
                        'var classifier_run ''{{ chosen.classifier_run | replace("'", "''") }}'' is not a run of'
                        || ' classifier_configuration ''{{ chosen.classifier_configuration | replace("'", "''") }}'''
                    {%- elif chosen.classifier_run is not none -%}
                        'var classifier_run ''{{ chosen.classifier_run | replace("'", "''") }}'' is not a run id of'
                        || ' raw.classifier_runs'
                    {%- else -%}
                        'var classifier_configuration ''{{ chosen.classifier_configuration | replace("'", "''") }}'' is'
                        || ' not a run configuration'
                    {%- endif %}
                    || '; the configurations are: '
                    || coalesce(
                        (select string_agg(run_configuration, '; ' order by run_configuration) from configuration_runs),
                        'none'
                    )
                )
            end as failure
        {%- else -%}
            null as failure
        {%- endif %}

),

final as (

    select
        ----------  keys
        eligible.run_configuration,
        eligible.backend,
        eligible.protocol,
        eligible.model,
        eligible.prompt_versions,

        ---------- runs
        eligible.runs,
        eligible.failed_runs,
        eligible.last_run_id,
        eligible.last_run_at,

        ---------- coverage
        eligible.papers_in_warehouse,
        eligible.papers_analysed,
        eligible.coverage,
        eligible.calls,
        eligible.failed_calls,
        eligible.failed_call_share,

        ---------- selection
        eligible.is_eligible,
        chosen.run_configuration is not null as is_selected,
        chosen.selected_by

    from eligible
    left join chosen on eligible.run_configuration = chosen.run_configuration
    where (select failure from unmatched_choice) is null

)

select * from final
