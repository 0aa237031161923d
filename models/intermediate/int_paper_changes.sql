{#-
    One row per DOI the per-paper models cover (papers, OpenAlex works with a DOI, labelled DOIs) with a
    fingerprint of everything that shapes its rows there: the article's content hash, its OpenAlex works as
    retrieved, the label rows of the selected classifier configuration, and the settings fingerprint (vars, seeds,
    model code; macro paper_settings_fingerprint). `changed_at` is the start of the build that last saw the
    fingerprint change; per-paper models recompute the papers changed after their own newest row (see
    macros/paper_changes.sql). A DOI whose inputs are gone is kept with is_removed = true, so its rows are deleted.
-#}
{{
    config(
        materialized='incremental',
        unique_key='doi',
        incremental_strategy='delete+insert',
        on_schema_change='fail'
    )
}}

with

papers as (

    select doi, content_hash from {{ ref('stg_jats__papers') }}

),

works as (

    select doi, openalex_id, cited_by_count, retrieved_at from {{ ref('stg_openalex__works') }} where doi is not null

),

labels as (

    select doi, label_id from {{ ref('stg_classifier__labels') }}

),

---------- one hash per input row, folded per DOI (a work's topics are retrieved with it: retrieved_at covers them)

input_hashes as (

    select doi, hash('paper', content_hash) as input_hash from papers
    union all
    select doi, hash('work', openalex_id, cited_by_count, retrieved_at) from works
    union all
    select doi, hash('label', label_id) from labels

),

settings as (

    select hash({{ paper_settings_fingerprint() }}) as settings_hash

),

fingerprints as (

    select doi, xor(bit_xor(input_hash), (select settings_hash from settings)) as input_fingerprint
    from input_hashes
    group by doi

),

{% if is_incremental() -%}

previous as (

    select doi, input_fingerprint from {{ this }} where not is_removed

),

changed as (

    select fingerprints.doi, fingerprints.input_fingerprint, false as is_removed
    from fingerprints
    left join previous
        on fingerprints.doi = previous.doi and fingerprints.input_fingerprint = previous.input_fingerprint
    where previous.doi is null

    union all

    select previous.doi, previous.input_fingerprint, true as is_removed
    from previous
    where previous.doi not in (select doi from fingerprints)

),

{%- else -%}

changed as (

    select doi, input_fingerprint, false as is_removed from fingerprints

),

{%- endif %}

final as (

    select
        doi,
        input_fingerprint,
        is_removed,
        {{ change_stamp() }} as changed_at
    from changed

)

select * from final
