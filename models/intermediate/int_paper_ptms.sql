{#-
    One row per entry of the PTM list that counts for a paper in a run configuration (int_paper_labels: the list
    of the same paper version as its uses_ptms = true answer), as the classifier wrote it — the JSON list unnested,
    each entry's grounding result aligned by position — with its name canonicalised through the ptm_aliases seed on
    a normalised key (macro ptm_name_key). The key is built the same way on both sides, so a seed alias can never be
    unmatchable because of its punctuation. A name no alias matches keeps the spelling written most often for its
    key in the configuration's lists, and is flagged is_catalogued = false.
-#}

with

lists as (

    select run_configuration, doi, ptm_list_label_id as label_id
    from {{ ref('int_paper_labels') }}
    where ptm_list_label_id is not null

),

answers as (

    select label_id, ptm_list, grounded, grounding_scores
    from {{ ref('stg_classifier__labels') }}
    where task = 'ptms'

),

canonical_by_key as (

    {{ ptm_canonical_by_key() }}

),

---------- the entries of each list, numbered from 1

items as (

    select
        lists.run_configuration,
        lists.doi,
        lists.label_id,
        answers.grounded,
        answers.grounding_scores,
        unnest(cast(answers.ptm_list as json[])) as item,
        generate_subscripts(cast(answers.ptm_list as json[]), 1) as mention_index
    from lists
    inner join answers on lists.label_id = answers.label_id

),

mentions as (

    select
        run_configuration,
        doi,
        label_id,
        cast(mention_index as integer) as mention_index,
        item ->> 'name' as raw_name,
        item ->> 'reuse_pattern' as reuse_pattern,
        item ->> 'stage' as stage,
        nullif(trim(item ->> 'form'), '') as form,
        item ->> 'evidence' as evidence,
        grounded[mention_index] as is_grounded,
        grounding_scores[mention_index] as grounding_score
    from items

),

keyed as (

    select
        mentions.*,
        {{ ptm_clean_name('raw_name') }} as clean_name,
        {{ ptm_name_key('raw_name') }} as name_key
    from mentions

),

---------- unmatched names: the most written spelling of each key, per configuration

spellings as (

    select run_configuration, name_key, clean_name, count(*) as times_written
    from keyed
    where name_key not in (select name_key from canonical_by_key)
    group by run_configuration, name_key, clean_name

),

uncatalogued as (

    select run_configuration, name_key, clean_name as canonical_name
    from spellings
    qualify row_number() over (
        partition by run_configuration, name_key order by times_written desc, clean_name asc
    ) = 1

),

final as (

    select
        ----------  keys
        keyed.run_configuration,
        keyed.doi,
        keyed.mention_index,
        keyed.label_id,

        ---------- the model
        keyed.raw_name,
        keyed.name_key,
        coalesce(canonical_by_key.canonical_name, uncatalogued.canonical_name) as canonical_name,
        canonical_by_key.canonical_name is not null as is_catalogued,

        ---------- its reuse
        keyed.reuse_pattern,
        keyed.stage,
        keyed.form,
        keyed.evidence,
        keyed.is_grounded,
        keyed.grounding_score

    from keyed
    left join canonical_by_key on keyed.name_key = canonical_by_key.name_key
    left join uncatalogued
        on
            keyed.run_configuration = uncatalogued.run_configuration
            and keyed.name_key = uncatalogued.name_key

)

select * from final
