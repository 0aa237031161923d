{#-
    One row per paper of the warehouse with its decisions under the selected run configuration.

    - The compact protocol's prefilter records papers without deep-learning vocabulary as negative for both
      questions (decided_by = prefilter); they count as analysed, negative papers.
    - The aius cascade asks uses_ptms only where uses_dl is true: a paper with uses_dl false and no uses_ptms
      row is negative for uses_ptms too.
    - A paper with no answered uses_dl is unlabelled; with uses_dl true but no answered uses_ptms it is
      incomplete. Neither counts as analysed.
-#}
{#- Incremental per paper (macros/paper_changes.sql): a build recomputes only the papers whose inputs changed. -#}
{{ per_paper_incremental() }}

with

papers as (

    select doi, content_hash from {{ ref('stg_jats__papers') }} where {{ is_changed_paper() }}

),

labels as (

    select * from {{ ref('stg_classifier__labels') }} where {{ is_changed_paper() }}

),

---------- one row per paper: the three tasks side by side

pivoted as (

    select
        doi,
        any_value(answer) filter (where task = 'uses_dl') as uses_dl_answer,
        any_value(evidence) filter (where task = 'uses_dl') as dl_evidence,
        any_value(decided_by) filter (where task = 'uses_dl') as dl_decided_by,
        any_value(answer) filter (where task = 'uses_ptms') as uses_ptms_answer,
        any_value(evidence) filter (where task = 'uses_ptms') as ptm_evidence,
        any_value(coalesce(json_array_length(ptm_list), 0)) filter (where task = 'ptms') as ptms_listed,
        count(*) filter (where task = 'ptms') > 0 as has_ptm_list,
        any_value(content_hash) filter (where task = 'uses_dl') as labelled_content_hash,
        any_value(run_id) filter (where task = 'uses_dl') as dl_run_id,
        max(finished_at) as labelled_at
    from labels
    group by doi

),

decided as (

    select
        papers.doi,
        pivoted.uses_dl_answer as uses_dl,
        case
            when pivoted.uses_dl_answer is false then coalesce(pivoted.uses_ptms_answer, false)
            else pivoted.uses_ptms_answer
        end as uses_ptms,
        pivoted.dl_evidence,
        pivoted.ptm_evidence,
        pivoted.dl_decided_by as decided_by,
        coalesce(pivoted.has_ptm_list, false) as has_ptm_list,
        coalesce(pivoted.ptms_listed, 0) as ptms_listed,
        pivoted.dl_run_id,
        pivoted.labelled_at,
        pivoted.labelled_content_hash is distinct from papers.content_hash
            and pivoted.labelled_content_hash is not null as is_label_stale
    from papers
    left join pivoted on papers.doi = pivoted.doi

),

final as (

    select
        decided.*,
        case
            when decided.uses_dl is null then 'unlabelled'
            when decided.uses_ptms is null then 'incomplete'
            else 'labelled'
        end as label_status,
        decided.uses_dl is not null and decided.uses_ptms is not null as is_analysed,
        {{ selected_run_configuration() }} as run_configuration,
        {{ refresh_stamp() }} as refreshed_at
    from decided

)

select * from final
