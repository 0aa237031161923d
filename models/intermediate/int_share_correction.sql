{#-
    The matrices that correct the reuse-pattern and stage shares of PTM instances for classification error, per run
    configuration × gold set, as `ptmreuse eval` wrote them (evaluation/category_confusion.py): true share of
    category t = Σ over predicted categories p of coefficient(t, p) × observed share of p. Where eval refused to
    write a matrix (too few matched gold entries, an ill-conditioned matrix) there is one row with no categories and
    the reason; a category no matched gold entry has, which the matrix leaves out, has a row of its own with the
    reason (evaluation/category_confusion.py owns these rules).
-#}

with

rows as (

    select run_configuration, gold_set, task, metric, value, n, description
    from {{ source('raw', 'agreement_metrics') }}
    where task in ('reuse_pattern_correction', 'stage_correction')

),

final as (

    select
        run_configuration,
        gold_set,
        cast(regexp_extract(task, '^(.*)_correction$', 1) as varchar) as category_kind,
        cast(case
            when metric like '%<-%' then split_part(metric, '<-', 1)
            when metric like 'not_covered:%' then split_part(metric, ':', 2)
        end as varchar) as true_category,
        cast(case when metric like '%<-%' then split_part(metric, '<-', 2) end as varchar) as predicted_category,
        cast(case when metric like '%<-%' then value end as double) as coefficient,
        cast(n as integer) as matched_entries,
        {#- eval appends '; gold set <name>: <what it is worth>' to every description #}
        cast(case when metric not like '%<-%' then split_part(description, '; gold set ', 1) end as varchar)
            as not_corrected_reason
    from rows

)

select * from final
