{#-
    One row per `ptmreuse classify` run, renamed and typed, with its run configuration: the key that says which
    runs' labels belong together (backend | protocol | model | prompt versions), built from the run's own row.
    Which configuration feeds the marts is decided in int_run_configurations.
-#}

with

source as (

    select * from {{ source('raw', 'classifier_runs') }}

),

renamed as (

    select

        ----------  ids
        run_id,

        ---------- configuration
        backend,
        protocol,
        model,
        cast(configuration as json) as configuration,

        ---------- outcome
        status as run_status,
        papers_total,
        papers_done,
        calls,
        cache_hits,
        rows_written,
        input_tokens,
        output_tokens,
        cost_usd,
        transport_errors,
        validation_errors,
        error as error_text,

        ---------- timestamps
        started_at,
        finished_at

    from source

),

versioned as (

    select
        *,
        -- LLM runs record {prompt name: {version, hash}}; the rules backend records the fingerprint of its code
        -- and seeds, which its rows carry as prompt_version `rules/<fingerprint>`
        coalesce(
            nullif(array_to_string(
                list_sort([
                    prompt.version || '@' || left(prompt.hash, 8)  -- noqa: RF03
                    for prompt in map_values(
                        cast(
                            renamed.configuration -> 'prompts'
                            as map(varchar, struct(version varchar, hash varchar))  -- noqa: LT01
                        )
                    )
                ]),
                ', '
            ), ''),
            'rules/' || (renamed.configuration ->> 'rules_fingerprint')
        ) as prompt_versions
    from renamed

),

keyed as (

    select
        *,
        concat_ws(' | ', backend, protocol, coalesce(model, '-'), coalesce(prompt_versions, '-')) as run_configuration
    from versioned

)

select * from keyed
