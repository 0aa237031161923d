{#-
    The journal → field seed says one thing per journal: a mapped row names a field and its rank, a
    multidisciplinary row names none, and no journal (by journal_key, so across spellings) is both, or has two
    rows at one rank.
-#}

with

listed as (

    select {{ journal_key('journal') }} as journal_key, journal, field_id, field_rank, mapping
    from {{ ref('journal_fields') }}

),

keys as (

    select
        journal_key,
        count(distinct mapping) as mappings,
        count(*) - count(distinct field_rank) - count(*) filter (where field_rank is null) as repeated_ranks
    from listed
    group by journal_key

)

select journal_key, 'row contradicts its mapping' as problem
from listed
where
    (mapping = 'mapped') <> (field_id is not null and field_rank is not null)
    or (mapping = 'multidisciplinary' and (field_id is not null or field_rank is not null))
union all
select journal_key, 'mapped and multidisciplinary, or two rows at one rank' as problem
from keys
where mappings > 1 or repeated_ranks > 0
