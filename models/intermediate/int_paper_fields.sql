{#-
    Paper → field bridge and the natural-science flag.

    var natural_science_rule:
      any_of_3  any of the top-3 topics is in a natural-science field (AIUS code since 2026-05-04)
      two_of_3  at least two of the top-3 topics are (AIUS code behind the paper's Dec-2025 data; topics are
                counted per slot, as AIUS did, so topic fields [13, 27, 13] pass)
      primary   the primary (rank-1) topic is
    var natural_science_requires_citations: the study's separate `cited_by_count > 0` condition.
-#}
{%- set rule = settings().natural_science_rule -%}
{%- set requires_citations = settings().natural_science_requires_citations %}

with

papers as (

    select doi, publisher_subjects, journal_key from {{ ref('stg_jats__papers') }}

),

works as (

    select doi, openalex_id, cited_by_count from {{ ref('stg_openalex__works') }}

),

work_topics as (

    select openalex_id, topic_rank, field_id from {{ ref('stg_openalex__work_topics') }}

),

fields as (

    select * from {{ ref('openalex_fields') }}

),

domains as (

    select * from {{ ref('openalex_domains') }}

),

natural_science_fields as (

    select * from {{ ref('natural_science_fields') }}

),

subject_fields as (

    select * from {{ ref('publisher_subject_fields') }}

),

journal_fields as (

    select {{ journal_key('journal') }} as journal_key, field_id, field_rank
    from {{ ref('journal_fields') }}
    where mapping = 'mapped'

),

---------- OpenAlex: one work per DOI (OpenAlex can hold duplicates; keep the most cited)

doi_works as (

    select doi, openalex_id, cited_by_count
    from works
    where doi is not null
    qualify row_number() over (partition by doi order by cited_by_count desc nulls last, openalex_id asc) = 1

),

openalex_fields as (

    select
        doi_works.doi,
        work_topics.field_id,
        min(work_topics.topic_rank) as field_rank,
        count(*) filter (where work_topics.topic_rank <= 3) as top3_topic_slots,
        any_value(doi_works.cited_by_count) as cited_by_count,
        'openalex' as field_source
    from doi_works
    inner join work_topics on doi_works.openalex_id = work_topics.openalex_id
    where work_topics.field_id is not null
    group by doi_works.doi, work_topics.field_id

),

---------- first fallback: the publisher's subjects, for papers OpenAlex did not classify

subjects as (

    select
        doi,
        unnest(publisher_subjects) as subject,
        generate_subscripts(publisher_subjects, 1) as subject_position
    from papers
    where doi not in (select doi from openalex_fields)

),

subject_matches as (

    select subjects.doi, subject_fields.field_id, min(subjects.subject_position) as first_position
    from subjects
    inner join subject_fields
        on subject_fields.subject = lower(trim(split_part(subjects.subject, '/', 1)))
    group by subjects.doi, subject_fields.field_id

),

publisher_fields as (

    select
        doi,
        field_id,
        cast(row_number() over (partition by doi order by first_position, field_id) as bigint) as field_rank,
        cast(null as bigint) as cited_by_count,
        'publisher_subjects' as field_source
    from subject_matches

),

---------- last fallback: the journal's field (seed journal_fields), for papers neither source classified

journal_matched as (

    select
        papers.doi,
        journal_fields.field_id,
        cast(journal_fields.field_rank as bigint) as field_rank,
        cast(null as bigint) as cited_by_count,
        'journal' as field_source
    from papers
    inner join journal_fields on papers.journal_key = journal_fields.journal_key
    where
        papers.doi not in (select doi from openalex_fields)
        and papers.doi not in (select doi from publisher_fields)

),

fallback_fields as (

    select * from publisher_fields
    union all
    select * from journal_matched

),

bridge as (

    select doi, field_id, field_rank, top3_topic_slots, cited_by_count, field_source from openalex_fields
    union all
    select
        doi,
        field_id,
        field_rank,
        case when field_rank <= 3 then 1 else 0 end as top3_topic_slots,
        cited_by_count,
        field_source
    from fallback_fields

),

flagged as (

    select
        bridge.*,
        bridge.field_id in (select field_id from natural_science_fields) as is_natural_science_field
    from bridge

),

---------- paper level: apply the rule

papers_ruled as (

    select
        doi,
        sum(case when is_natural_science_field then top3_topic_slots else 0 end) as natural_science_slots,
        coalesce(bool_or(is_natural_science_field and field_rank = 1), false) as primary_is_natural_science,
        max(cited_by_count) as paper_cited_by_count
    from flagged
    group by doi

),

final as (

    select
        flagged.doi,
        flagged.field_id,
        fields.field_name,
        fields.domain_id,
        domains.domain_name,
        flagged.field_rank,
        flagged.top3_topic_slots,
        flagged.is_natural_science_field,
        flagged.field_source,
        papers_ruled.paper_cited_by_count as cited_by_count,
        {% if requires_citations -%}
            case
                when papers_ruled.paper_cited_by_count is null then 'unknown'
                when papers_ruled.paper_cited_by_count > 0 then 'passed'
                else 'failed'
            end as citation_check,
        {%- else -%}
            'not_required' as citation_check,
        {%- endif %}
        '{{ rule }}' as natural_science_rule,
        (
            {% if rule == 'any_of_3' -%}
                papers_ruled.natural_science_slots >= 1
            {%- elif rule == 'two_of_3' -%}
                papers_ruled.natural_science_slots >= 2
            {%- else -%}
                papers_ruled.primary_is_natural_science
            {%- endif %}
            {%- if requires_citations %}
                and coalesce(papers_ruled.paper_cited_by_count > 0, true)
            {%- endif %}
        ) as is_natural_science
    from flagged
    inner join papers_ruled on flagged.doi = papers_ruled.doi
    left join fields on flagged.field_id = fields.field_id
    left join domains on fields.domain_id = domains.domain_id

)

select * from final
