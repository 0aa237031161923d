{#-
    One row per paper of the warehouse: bibliographic data, fields, the natural-science flag, and the decisions of
    the selected run configuration (int_run_configurations); a paper that configuration did not label is unlabelled.
-#}

with

papers as (

    select doi, title, journal_key, publisher, publication_year, corpus
    from {{ ref('stg_jats__papers') }}

),

journals as (

    select journal_key, journal_name from {{ ref('int_journals') }}

),

works as (

    select doi, publication_year, cited_by_count, openalex_id
    from {{ ref('stg_openalex__works') }}

),

paper_fields as (

    select * from {{ ref('int_paper_fields') }}

),

labels as (

    select * from {{ ref('int_paper_labels') }} where run_configuration = {{ selected_run_configuration() }}

),

ptms as (

    select doi, canonical_name
    from {{ ref('int_paper_ptms') }}
    where run_configuration = {{ selected_run_configuration() }}

),

---------- OpenAlex year (the study's year); one work per DOI, as int_paper_fields picks it

doi_works as (

    select doi, publication_year
    from works
    where doi is not null
    qualify row_number() over (partition by doi order by cited_by_count desc nulls last, openalex_id asc) = 1

),

---------- fields: the primary one and the top-3 list

fields_per_paper as (

    select
        doi,
        any_value(field_id order by field_rank, field_id) as primary_field_id,
        any_value(field_name order by field_rank, field_id) as primary_field_name,
        any_value(domain_name order by field_rank, field_id) as primary_domain_name,
        list(field_id order by field_rank, field_id) filter (where top3_topic_slots > 0) as field_ids,
        any_value(field_source) as field_source,
        any_value(cited_by_count) as cited_by_count,
        any_value(citation_check) as citation_check,
        bool_or(is_natural_science) as is_natural_science
    from paper_fields
    group by doi

),

ptm_counts as (

    select doi, count(distinct canonical_name) as n_ptms, count(*) as n_ptm_mentions
    from ptms
    group by doi

),

final as (

    select
        ----------  ids
        papers.doi,

        ---------- bibliographic
        papers.title,
        journals.journal_name as journal,
        papers.publisher,
        papers.corpus,
        cast(coalesce(doi_works.publication_year, papers.publication_year) as integer) as publication_year,
        case when doi_works.publication_year is not null then 'openalex' else 'jats' end as year_source,
        {{ in_year_window('coalesce(doi_works.publication_year, papers.publication_year)') }} as is_in_year_window,

        ---------- fields
        cast(fields_per_paper.primary_field_id as integer) as primary_field_id,
        fields_per_paper.primary_field_name,
        fields_per_paper.primary_domain_name,
        cast(coalesce(fields_per_paper.field_ids, []) as integer[]) as field_ids,
        coalesce(fields_per_paper.field_source, 'none') as field_source,
        cast(fields_per_paper.cited_by_count as bigint) as cited_by_count,
        coalesce(fields_per_paper.citation_check, 'unknown') as citation_check,
        coalesce(fields_per_paper.is_natural_science, false) as is_natural_science,

        ---------- labels
        coalesce(labels.label_status, 'unlabelled') as label_status,
        coalesce(labels.is_analysed, false) as is_analysed,
        labels.uses_dl,
        labels.uses_ptms,
        cast(coalesce(ptm_counts.n_ptms, 0) as integer) as n_ptms,
        cast(coalesce(ptm_counts.n_ptm_mentions, 0) as integer) as n_ptm_mentions,
        coalesce(labels.has_ptm_list, false) as has_ptm_list,
        labels.decided_by,
        labels.dl_evidence,
        labels.ptm_evidence,
        coalesce(labels.is_label_stale, false) as is_label_stale,
        labels.labelled_at,

        ---------- settings
        {{ mart_setting_columns(selected_run_configuration()) }}

    from papers
    left join journals on papers.journal_key = journals.journal_key
    left join doi_works on papers.doi = doi_works.doi
    left join fields_per_paper on papers.doi = fields_per_paper.doi
    left join labels on papers.doi = labels.doi
    left join ptm_counts on papers.doi = ptm_counts.doi

)

select * from final
