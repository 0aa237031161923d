{#-
    Every PTM name of the gold seeds (reference and aius) with its canonical name, canonicalised like the names the
    classifiers write (int_paper_ptms), through the same lookup (macro ptm_canonical_by_key), so the evaluation
    compares gold and predicted canonical names that one rule made. A name no alias matches is uncatalogued and
    keeps its cleaned spelling. The singular test assert_gold_ptm_names_canonicalised_like_paper_ptms checks that a
    key shared with int_paper_ptms gets the same canonical name on both sides.
-#}

with

gold_names as (

    select ptm_name from {{ ref('gold_reference_ptms') }}
    union
    select ptm_name from {{ ref('gold_aius_ptm_pairs') }}

),

canonical_by_key as (

    {{ ptm_canonical_by_key() }}

),

keyed as (

    select
        ptm_name,
        {{ ptm_clean_name('ptm_name') }} as clean_name,
        {{ ptm_name_key('ptm_name') }} as name_key
    from gold_names

),

final as (

    select
        keyed.ptm_name,
        keyed.name_key,
        coalesce(canonical_by_key.canonical_name, keyed.clean_name) as canonical_name,
        canonical_by_key.canonical_name is not null as is_catalogued
    from keyed
    left join canonical_by_key on keyed.name_key = canonical_by_key.name_key

)

select * from final
