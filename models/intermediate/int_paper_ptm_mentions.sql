{#-
    One row per entry of a paper's `ptms` answer (selected run configuration), as the classifier wrote it: the JSON
    list unnested, each entry's grounding result aligned by position. Names are canonicalised in int_paper_ptms,
    which needs every paper's mentions at once; this part needs only the paper's own label, so it is incremental.
-#}
{#- Incremental per paper (macros/paper_changes.sql): a build recomputes only the papers whose inputs changed. -#}
{{ per_paper_incremental() }}

with

labels as (

    select * from {{ ref('stg_classifier__labels') }} where task = 'ptms' and {{ is_changed_paper() }}

),

items as (

    select
        label_id,
        doi,
        run_configuration,
        grounded,
        grounding_scores,
        unnest(cast(ptm_list as json[])) as item,
        generate_subscripts(cast(ptm_list as json[]), 1) as mention_index
    from labels

),

final as (

    select
        label_id,
        doi,
        cast(mention_index as integer) as mention_index,
        item ->> 'name' as raw_name,
        item ->> 'reuse_pattern' as reuse_pattern,
        item ->> 'stage' as stage,
        nullif(trim(item ->> 'form'), '') as form,
        item ->> 'evidence' as evidence,
        grounded[mention_index] as is_grounded,
        grounding_scores[mention_index] as grounding_score,
        run_configuration,
        {{ refresh_stamp() }} as refreshed_at
    from items

)

select * from final
