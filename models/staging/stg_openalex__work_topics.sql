with

source as (

    select * from {{ source('raw', 'openalex_work_topics') }}

),

renamed as (

    select

        ----------  ids
        openalex_id,
        topic_rank,
        topic_id,

        ---------- topic hierarchy
        topic_name,
        score as topic_score,
        subfield_id,
        subfield_name,
        field_id,
        field_name,
        domain_id,
        domain_name,

        ---------- provenance
        retrieved_at

    from source

)

select * from renamed
