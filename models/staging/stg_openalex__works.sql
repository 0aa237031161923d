with

source as (

    select * from {{ source('raw', 'openalex_works') }}

),

renamed as (

    select

        ----------  ids
        openalex_id,
        doi,

        ---------- bibliographic
        title,
        work_type,
        publication_year,
        publication_date as published_on,

        ---------- impact and access
        cited_by_count,
        is_oa,
        oa_status,

        ---------- primary topic
        primary_topic_id,
        primary_topic_name,
        primary_subfield_id,
        primary_field_id,
        primary_field_name,
        primary_domain_id,
        topic_count,

        ---------- provenance
        cast(work_json as json) as work_json,
        updated_date as openalex_updated_at,
        retrieved_at

    from source

)

select * from renamed
