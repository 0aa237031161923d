{#-
    One row per PTM mention of a paper (the `ptms` answer of the selected run configuration), with its name
    canonicalised through the ptm_aliases seed on a normalised key (macro ptm_name_key). The key is built the same
    way on both sides, so a seed alias can never be unmatchable because of its punctuation. A name no alias matches
    keeps the spelling most often written for its key across the warehouse, and is flagged is_catalogued = false.
-#}
{{ config(materialized='table') }}  {#- read by many tests and two marts: computed once per build -#}


with

labels as (

    select * from {{ ref('stg_classifier__labels') }} where task = 'ptms'

),

aliases as (

    select alias, canonical_name from {{ ref('ptm_aliases') }}

),

---------- alias key → canonical name (one canonical per key: the seed is checked for clashes)

alias_keys as (

    select {{ ptm_name_key('alias') }} as name_key, canonical_name
    from aliases
    union
    select {{ ptm_name_key('canonical_name') }} as name_key, canonical_name
    from aliases

),

canonical_by_key as (

    select name_key, min(canonical_name) as canonical_name, count(distinct canonical_name) as canonical_candidates
    from alias_keys
    where name_key <> ''
    group by name_key

),

---------- mentions

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

mentions as (

    select
        label_id,
        doi,
        run_configuration,
        cast(mention_index as integer) as mention_index,
        item ->> 'name' as raw_name,
        {{ ptm_clean_name("item ->> 'name'") }} as clean_name,
        item ->> 'reuse_pattern' as reuse_pattern,
        item ->> 'stage' as stage,
        nullif(trim(item ->> 'form'), '') as form,
        item ->> 'evidence' as evidence,
        grounded[mention_index] as is_grounded,
        grounding_scores[mention_index] as grounding_score
    from items

),

keyed as (

    select mentions.*, {{ ptm_name_key('raw_name') }} as name_key
    from mentions

),

---------- unmatched names: the most written spelling of each key

spellings as (

    select name_key, clean_name, count(*) as times_written
    from keyed
    where name_key not in (select name_key from canonical_by_key)
    group by name_key, clean_name

),

uncatalogued as (

    select name_key, clean_name as canonical_name
    from spellings
    qualify row_number() over (partition by name_key order by times_written desc, clean_name) = 1

),

final as (

    select
        keyed.label_id,
        keyed.doi,
        keyed.mention_index,
        keyed.raw_name,
        keyed.name_key,
        coalesce(canonical_by_key.canonical_name, uncatalogued.canonical_name) as canonical_name,
        canonical_by_key.canonical_name is not null as is_catalogued,
        keyed.reuse_pattern,
        keyed.stage,
        keyed.form,
        keyed.evidence,
        keyed.is_grounded,
        keyed.grounding_score,
        keyed.run_configuration
    from keyed
    left join canonical_by_key on keyed.name_key = canonical_by_key.name_key
    left join uncatalogued on keyed.name_key = uncatalogued.name_key

)

select * from final
