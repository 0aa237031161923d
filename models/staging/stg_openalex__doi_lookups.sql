with

source as (

    select * from {{ source('raw', 'openalex_lookups') }}

),

renamed as (

    select

        doi,
        status as lookup_status,
        openalex_id,
        works_matched,
        looked_up_at

    from source

)

select * from renamed
