{#-
    One row per journal (journal_key), with one display name for all its spellings: the seed's spelling when the
    journal is listed in journal_fields, else the spelling most of its papers use (ties: alphabetical).
-#}

with

papers as (

    select journal, journal_key from {{ ref('stg_jats__papers') }} where journal_key is not null

),

journal_fields as (

    select {{ journal_key('journal') }} as journal_key, journal, mapping from {{ ref('journal_fields') }}

),

listed as (

    select
        journal_key,
        any_value(journal order by journal) as journal,
        any_value(mapping) as field_mapping
    from journal_fields
    group by journal_key

),

spellings as (

    select journal_key, journal, count(*) as papers
    from papers
    group by journal_key, journal

),

per_key as (

    select
        journal_key,
        sum(papers) as papers,
        list(journal order by journal) as spellings,
        any_value(journal order by papers desc, journal asc) as common_spelling
    from spellings
    group by journal_key

),

final as (

    select
        per_key.journal_key,
        coalesce(listed.journal, per_key.common_spelling) as journal_name,
        cast(per_key.papers as bigint) as papers,
        per_key.spellings,
        coalesce(listed.field_mapping, 'not_listed') as field_mapping
    from per_key
    left join listed on per_key.journal_key = listed.journal_key

)

select * from final
