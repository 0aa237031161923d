{#-
    Monte Carlo draws of the pattern and stage correction matrices for the configuration that fed the marts, on the
    gold set named by var correction_gold_set (macros/share_corrections.sql): per draw, each row of the confusion
    matrix P over the categories the correction covers from its Dirichlet posterior, and the inverse of the drawn Pᵀ.
    A category the correction leaves out is padded as the identity, so the inverse of the covered block is unchanged.
-#}

with

correction as (

    select category_kind, true_category, predicted_category
    from {{ ref('int_share_correction') }}
    where
        gold_set = '{{ settings().correction_gold_set }}'
        and run_configuration = {{ selected_run_configuration() }}
        and coefficient is not null

),

covered as (

    select distinct category_kind, true_category as category from correction

),

categories as (

    select 'reuse_pattern' as category_kind, reuse_pattern as category, sort_order
    from {{ ref('reuse_pattern_definitions') }}
    union all
    select 'stage' as category_kind, stage as category, sort_order
    from {{ ref('scientific_stages') }}

),

confusion_rows as (

    select
        regexp_extract(task, '^(.*)_confusion$', 1) as category_kind,
        split_part(metric, '->', 1) as gold_category,
        split_part(metric, '->', 2) as predicted_category,
        value as entries
    from {{ source('raw', 'agreement_metrics') }}
    where
        task in ('reuse_pattern_confusion', 'stage_confusion')
        and gold_set = '{{ settings().correction_gold_set }}'
        and run_configuration = {{ selected_run_configuration() }}

),

---------- the confusion counts among the covered categories: gold and prediction both in them

confusion as (

    select confusion_rows.*
    from confusion_rows
    inner join covered as gold_covered
        on
            confusion_rows.category_kind = gold_covered.category_kind
            and confusion_rows.gold_category = gold_covered.category
    inner join covered as predicted_covered
        on
            confusion_rows.category_kind = predicted_covered.category_kind
            and confusion_rows.predicted_category = predicted_covered.category

),

drawn_rows as (

    select * from {{ dirichlet_draws('confusion', ['category_kind', 'gold_category'], 'predicted_category',
                                     'entries', 'confusion') }}

),

---------- Pᵀ of each draw over every category: r = predicted, c = gold (1…k in the seed's order)

indexed as (

    select
        category_kind,
        category,
        cast(row_number() over (partition by category_kind order by sort_order) as integer) as position
    from categories
    where category_kind in (select category_kind from covered)

),

matrix as (

    select
        predicted.category_kind,
        cast(draws.range as integer) as draw,
        predicted.position as r,
        gold.position as c,
        coalesce(drawn_rows.share, case when predicted.position = gold.position then 1.0 else 0.0 end) as v
    from indexed as predicted
    inner join indexed as gold on predicted.category_kind = gold.category_kind
    cross join range({{ monte_carlo_draw_count() }}) as draws
    left join drawn_rows
        on
            predicted.category_kind = drawn_rows.category_kind
            and cast(draws.range as integer) = drawn_rows.draw
            and gold.category = drawn_rows.gold_category
            and predicted.category = drawn_rows.predicted_category

),

inverse as (

    select * from {{ matrix_inverse_draws('matrix', ['category_kind']) }}

),

final as (

    select
        cast(inverse.category_kind as varchar) as category_kind,
        cast(inverse.draw as integer) as draw,
        cast(true_category.category as varchar) as true_category,
        cast(predicted_category.category as varchar) as predicted_category,
        cast(inverse.v as double) as coefficient
    from inverse
    inner join indexed as true_category
        on inverse.category_kind = true_category.category_kind and inverse.r = true_category.position
    inner join indexed as predicted_category
        on inverse.category_kind = predicted_category.category_kind and inverse.c = predicted_category.position
    inner join covered as true_covered
        on inverse.category_kind = true_covered.category_kind and true_category.category = true_covered.category
    inner join covered as predicted_covered
        on
            inverse.category_kind = predicted_covered.category_kind
            and predicted_category.category = predicted_covered.category

)

select * from final
