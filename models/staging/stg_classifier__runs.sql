{#-
    var classifier_run: a run id, or `latest` (default) = the latest finished run. The selected run's run
    configuration (backend | protocol | model | prompt versions) decides which labels feed the marts: every run of
    that configuration, because a rerun answers finished papers from the cache and writes rows only for new ones.
-#}
{%- set classifier_run = var('classifier_run', 'latest') | string -%}

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

configured as (

    select
        *,
        -- LLM runs record {prompt name: {version, hash}}; the rules backend records the fingerprint of its code
        -- and seeds, which its rows carry as prompt_version `rules/<fingerprint>`
        coalesce(
            nullif(array_to_string(
                list_sort([
                    prompt.version || '@' || left(prompt.hash, 8)
                    for prompt in map_values(
                        cast(configuration -> 'prompts' as map(varchar, struct(version varchar, hash varchar)))
                    )
                ]),
                ', '
            ), ''),
            'rules/' || (configuration ->> 'rules_fingerprint')
        ) as prompt_versions
    from renamed

),

keyed as (

    select
        *,
        concat_ws(' | ', backend, protocol, coalesce(model, '-'), coalesce(prompt_versions, '-')) as run_configuration
    from configured

),

selected as (

    select run_id, run_configuration
    from keyed
    {% if classifier_run == 'latest' -%}
    where run_status = 'finished'
    {%- else -%}
    where run_id = '{{ classifier_run | replace("'", "''") }}'
    {%- endif %}
    order by finished_at desc nulls last, run_id desc
    limit 1

),

final as (

    select
        keyed.*,
        coalesce(keyed.run_id = selected.run_id, false) as is_selected_run,
        selected.run_configuration is not null as is_selected_configuration
    from keyed
    left join selected on keyed.run_configuration = selected.run_configuration

)

select * from final
