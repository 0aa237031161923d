{#-
    Agreement of classifier run configurations with the gold labels: one row per run configuration × gold set ×
    task × metric, as `ptmreuse eval` last scored each (run configuration, gold set) pair. The metrics, their
    bootstrap intervals and the entry-by-entry PTM matching are computed in Python (evaluation/), which writes
    raw.agreement_metrics; this model publishes those rows under a contract, with tests. It reads the source
    directly: the rows arrive typed, named and final, so a staging view would only repeat them.
-#}

with

metrics as (

    select * from {{ source('raw', 'agreement_metrics') }}

),

final as (

    select
        ----------  ids
        run_configuration,
        gold_set,
        task,
        metric,

        ---------- value
        value,
        ci_low,
        ci_high,
        n,
        description,

        ---------- what the gold labels are worth
        case
            when gold_is_human then 'human'
            when not gold_is_human then 'LLM-assisted, not human'
        end as gold_labels,

        ---------- configuration
        run_id,
        backend,
        protocol,
        model,

        ---------- provenance
        bootstrap_resamples,
        evaluated_at

    from metrics

)

select * from final
