{#-
    One row per run configuration × paper of the warehouse: what that configuration decided for the paper. The
    marts read the selected configuration's rows (int_run_configurations); the evaluation scores the same rows.

    The cascade is uses_dl → uses_ptms → the PTM list:
    - A task's answer is the configuration's latest row for the paper and task that answered: status ok, or
      skipped_prefilter (the compact protocol's local negatives, decided_by = prefilter). Failed attempts
      (parse_error, refused, api_error, budget_stopped) never count.
    - Later tasks count only when they answered the same version of the paper (content hash) as uses_dl, so an
      answer about an older file never completes a newer one.
    - uses_dl false stops the cascade: uses_ptms is false and there is no PTM list, whatever else was written.
      uses_ptms false likewise means no PTM list.
    - No uses_dl answer: unlabelled. uses_dl true without a uses_ptms answer: incomplete. Neither is analysed.
-#}

with

papers as (

    select doi, content_hash from {{ ref('stg_jats__papers') }}

),

runs as (

    select run_id, run_configuration from {{ ref('stg_classifier__runs') }}

),

configurations as (

    select distinct run_configuration from runs

),

labels as (

    select * from {{ ref('stg_classifier__labels') }}

),

---------- the latest answer of each configuration × paper × task

answers as (

    select
        runs.run_configuration,
        labels.label_id,
        labels.run_id,
        labels.doi,
        labels.content_hash,
        labels.task,
        labels.decided_by,
        labels.answer,
        labels.evidence,
        labels.ptm_list,
        labels.finished_at
    from labels
    inner join runs on labels.run_id = runs.run_id
    where labels.label_status in ('ok', 'skipped_prefilter')
    qualify row_number() over (
        partition by runs.run_configuration, labels.doi, labels.task
        order by labels.finished_at desc, labels.attempt desc, labels.label_id desc
    ) = 1

),

uses_dl_answers as (

    select * from answers where task = 'uses_dl'

),

uses_ptms_answers as (

    select * from answers where task = 'uses_ptms'

),

ptm_lists as (

    select * from answers where task = 'ptms'

),

---------- the cascade, per configuration × paper

cascade as (

    select
        dl.run_configuration,
        dl.doi,
        dl.answer as uses_dl,
        case when dl.answer then ptm.answer when not dl.answer then false end as uses_ptms,
        dl.evidence as dl_evidence,
        ptm.evidence as ptm_evidence,
        dl.decided_by,
        dl.run_id as dl_run_id,
        dl.content_hash as labelled_content_hash,
        case when dl.answer and ptm.answer then ptm_list.label_id end as ptm_list_label_id,
        case when dl.answer and ptm.answer then json_array_length(ptm_list.ptm_list) end as ptms_listed,
        greatest(
            dl.finished_at,
            ptm.finished_at,
            case when dl.answer and ptm.answer then ptm_list.finished_at end
        ) as labelled_at
    from uses_dl_answers as dl
    left join uses_ptms_answers as ptm
        on
            dl.run_configuration = ptm.run_configuration
            and dl.doi = ptm.doi
            and dl.content_hash is not distinct from ptm.content_hash
    left join ptm_lists as ptm_list
        on
            dl.run_configuration = ptm_list.run_configuration
            and dl.doi = ptm_list.doi
            and dl.content_hash is not distinct from ptm_list.content_hash

),

final as (

    select
        ----------  keys
        configurations.run_configuration,
        papers.doi,

        ---------- decisions
        cascade.uses_dl,
        cascade.uses_ptms,
        case
            when cascade.uses_dl is null then 'unlabelled'
            when cascade.uses_ptms is null then 'incomplete'
            else 'labelled'
        end as label_status,
        cascade.uses_dl is not null and cascade.uses_ptms is not null as is_analysed,
        cascade.decided_by,
        cascade.dl_evidence,
        cascade.ptm_evidence,

        ---------- the PTM list (entries in int_paper_ptms)
        cascade.ptm_list_label_id is not null as has_ptm_list,
        coalesce(cascade.ptms_listed, 0) as ptms_listed,
        cascade.ptm_list_label_id,

        ---------- provenance
        cascade.dl_run_id,
        cascade.labelled_at,
        (
            cascade.labelled_content_hash is not null
            and cascade.labelled_content_hash is distinct from papers.content_hash
        ) as is_label_stale

    from configurations
    cross join papers
    left join cascade
        on
            configurations.run_configuration = cascade.run_configuration
            and papers.doi = cascade.doi

)

select * from final
