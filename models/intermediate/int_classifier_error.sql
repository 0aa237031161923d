{#-
    The classifier error the corrected rates use: per run configuration × gold set × yes/no task (uses_dl,
    uses_ptms), the confusion counts `ptmreuse eval` last measured (raw.agreement_metrics) and the sensitivity and
    specificity they give. A configuration never evaluated on a gold set has no row here, so it gets no corrected
    rates (macros/corrections.sql says why), never zeros.
-#}

with

metrics as (

    select run_configuration, gold_set, task, metric, value, evaluated_at
    from {{ source('raw', 'agreement_metrics') }}
    where task in ('uses_dl', 'uses_ptms') and metric in ('tp', 'fp', 'fn', 'tn')

),

counts as (

    select
        run_configuration,
        gold_set,
        task,
        cast(max(value) filter (where metric = 'tp') as bigint) as tp,
        cast(max(value) filter (where metric = 'fp') as bigint) as fp,
        cast(max(value) filter (where metric = 'fn') as bigint) as fn,
        cast(max(value) filter (where metric = 'tn') as bigint) as tn,
        max(evaluated_at) as evaluated_at
    from metrics
    group by run_configuration, gold_set, task

),

final as (

    select
        run_configuration,
        gold_set,
        task,
        tp,
        fp,
        fn,
        tn,
        cast(tp / nullif(tp + fn, 0) as double) as sensitivity,
        cast(tn / nullif(tn + fp, 0) as double) as specificity,
        evaluated_at
    from counts
    where tp is not null and fp is not null and fn is not null and tn is not null

)

select * from final
