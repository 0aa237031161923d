with

source as (

    select * from {{ source('raw', 'papers') }}

),

renamed as (

    select

        ----------  ids
        doi,
        pmid,
        pmcid,

        ---------- text
        title,
        abstract,
        body_text,

        ---------- publication
        journal,
        {{ journal_key('journal') }} as journal_key,
        publisher,
        article_type,
        publication_date as published_on,
        publication_year,
        license_url,
        license_text,
        cast(subjects as varchar[]) as publisher_subjects,
        cast(keywords as varchar[]) as keywords,

        ---------- numerics
        char_count,
        word_count,
        section_count,

        ---------- provenance
        content_hash,
        corpus,
        source_file,
        parser_version,
        ingested_at

    from source

)

select * from renamed
