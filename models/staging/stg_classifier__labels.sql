{#-
    Every classifier answer of raw.llm_labels (all runs, all attempts, every status), renamed and typed: the
    booleans and evidence of uses_dl / uses_ptms rows out of the `parsed` JSON, the PTM list of a ptms row as a
    JSON array. Which answers count for a paper is decided in int_paper_labels.
-#}

with

source as (

    select * from {{ source('raw', 'llm_labels') }}

),

renamed as (

    select

        ----------  ids
        label_id,
        run_id,
        call_id,
        cache_key,
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
        error as error_text,

        ---------- configuration
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
        tokens_counted_in_call,
        cost_usd,
        latency_s,

        ---------- timestamps
        started_at,
        finished_at

    from source

)

select * from renamed
