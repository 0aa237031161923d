with

source as (

    select * from {{ source('raw', 'paper_sections') }}

),

renamed as (

    select

        ----------  ids
        doi,
        ordinal as section_ordinal,

        ---------- structure
        depth as section_depth,
        heading,
        section_type,
        kind as section_kind,
        kind in ('figure_caption', 'table_caption') as is_caption,

        ---------- text
        text as section_text,
        char_count,

        ---------- provenance
        ingested_at

    from source

)

select * from renamed
