{#-
    One row per paper × task of the selected run configuration (see stg_classifier__runs): the latest attempt
    that reached an answer (status ok, or skipped_prefilter for the compact protocol's local negatives). Failed
    attempts (parse_error, refused, api_error, budget_stopped) never reach the marts; a paper whose only attempts
    failed has no row for that task.

    Incremental (the label table is the biggest input): a run only reads label rows newer than the newest it kept
    and replaces the (doi, task) rows they answer. When the selected run configuration changes (var classifier_run,
    or a newer finished run with another configuration), the pre-hook deletes the rows of the old one, so the table
    is rebuilt from all rows of the new one. `dbt build --full-refresh` rebuilds it from scratch.
-#}
{{
    config(
        materialized='incremental',
        unique_key=['doi', 'task'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{% if is_incremental() %}delete from {{ this }} where run_configuration is distinct from
            (select any_value(run_configuration) from {{ ref('stg_classifier__runs') }}
             where is_selected_configuration){% endif %}"
    )
}}

with

source as (

    select * from {{ source('raw', 'llm_labels') }}

),

runs as (

    select run_id, run_configuration from {{ ref('stg_classifier__runs') }} where is_selected_configuration

),

answered as (

    select source.*, runs.run_configuration
    from source
    inner join runs on source.run_id = runs.run_id
    where source.status in ('ok', 'skipped_prefilter')
    {% if is_incremental() -%}
    and source.finished_at > (select coalesce(max(finished_at), '-infinity'::timestamptz) from {{ this }})
    {%- endif %}
    qualify row_number() over (
        partition by source.doi, source.task
        order by source.finished_at desc, source.attempt desc, source.label_id desc
    ) = 1

),

renamed as (

    select

        ----------  ids
        label_id,
        run_id,
        call_id,
        doi,
        content_hash,

        ---------- task and answer
        task,
        status as label_status,
        decided_by,
        case when task in ('uses_dl', 'uses_ptms') then cast(parsed ->> 'answer' as boolean) end as answer,
        case when task in ('uses_dl', 'uses_ptms') then nullif(trim(parsed ->> 'evidence'), '') end as evidence,
        case when task = 'ptms' then parsed -> 'ptms' end as ptm_list,
        grounded,
        grounding_scores,

        ---------- configuration
        run_configuration,
        protocol,
        backend,
        model,
        prompt_name,
        prompt_version,
        prompt_hash,
        codebook_version,
        attempt,

        ---------- cost
        input_tokens,
        output_tokens,
        cost_usd,
        latency_s,

        ---------- timestamps
        started_at,
        finished_at

    from answered

)

select * from renamed
