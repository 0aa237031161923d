with

source as (

    select * from {{ source('raw', 'search_hits') }}

),

renamed as (

    select

        ----------  ids
        doi,
        pmcid,

        ---------- query
        source as search_source,
        keyword,
        year as search_year,
        page,
        rank as hit_rank,

        ---------- hit
        title,
        journal,
        is_open_access,

        ---------- provenance
        query_url,
        cast(raw_record as json) as raw_record,
        retrieved_at

    from source

)

select * from renamed
