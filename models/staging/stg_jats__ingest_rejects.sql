with

source as (

    select * from {{ source('raw', 'ingest_rejects') }}

),

renamed as (

    select

        ----------  ids
        source_file,
        content_hash,
        doi,

        ---------- outcome
        reason as reject_reason,
        error as error_text,

        ---------- provenance
        corpus,
        parser_version,
        ingested_at

    from source

)

select * from renamed
