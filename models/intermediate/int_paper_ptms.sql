{#-
    One row per PTM mention of a paper (the `ptms` answer of the selected run configuration), with its name
    canonicalised through the ptm_aliases seed on a normalised key (macro ptm_name_key). The key is built the same
    way on both sides, so a seed alias can never be unmatchable because of its punctuation. A name no alias matches
    keeps the spelling most often written for its key across the warehouse, and is flagged is_catalogued = false.
    That choice looks at every paper's mentions, so this is a table rebuilt by every build; the mentions themselves
    (int_paper_ptm_mentions) are incremental.
-#}
{{ config(materialized='table') }}  {#- read by many tests and two marts: computed once per build -#}


with

mentions as (

    select * from {{ ref('int_paper_ptm_mentions') }}

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

keyed as (

    select
        mentions.*,
        {{ ptm_clean_name('raw_name') }} as clean_name,
        {{ ptm_name_key('raw_name') }} as name_key
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
