{#-
    Every field-year of marts.field_year_adoption equals a recount from marts.papers and the field bridge
    (natural-science papers in the year window; distinct papers, or topic slots under counting_convention
    topic_slot), and every natural-science paper of the window with a top-3 field is counted somewhere.
    Returns the field-years (or papers) that disagree.
-#}

with

papers as (

    select * from {{ ref('papers') }} where is_natural_science and is_in_year_window

),

paper_fields as (

    select * from {{ ref('int_paper_fields') }} where top3_topic_slots > 0

),

recount as (

    select
        paper_fields.field_id,
        papers.publication_year,
        {% if settings().counting_convention == 'topic_slot' -%}
            sum(paper_fields.top3_topic_slots) as papers_in_scope,
            coalesce(sum(paper_fields.top3_topic_slots) filter (where papers.is_analysed), 0) as papers_analysed,
            coalesce(sum(paper_fields.top3_topic_slots) filter (where papers.is_analysed and papers.uses_dl), 0)
                as papers_using_dl,
            coalesce(sum(paper_fields.top3_topic_slots) filter (where papers.is_analysed and papers.uses_ptms), 0)
                as papers_reusing_ptms
        {%- else -%}
            count(distinct papers.doi) as papers_in_scope,
            count(distinct papers.doi) filter (where papers.is_analysed) as papers_analysed,
            count(distinct papers.doi) filter (where papers.is_analysed and papers.uses_dl) as papers_using_dl,
            count(distinct papers.doi) filter (where papers.is_analysed and papers.uses_ptms) as papers_reusing_ptms
        {%- endif %}
    from papers
    inner join paper_fields on papers.doi = paper_fields.doi
    group by paper_fields.field_id, papers.publication_year

),

adoption as (

    select field_id, publication_year, papers_in_scope, papers_analysed, papers_using_dl, papers_reusing_ptms
    from {{ ref('field_year_adoption') }}

),

mismatched_field_years as (

    select
        coalesce(adoption.field_id, recount.field_id) as field_id,
        coalesce(adoption.publication_year, recount.publication_year) as publication_year,
        'counts differ' as problem
    from adoption
    full outer join recount
        on adoption.field_id = recount.field_id and adoption.publication_year = recount.publication_year
    where
        adoption.papers_in_scope is distinct from recount.papers_in_scope
        or adoption.papers_analysed is distinct from recount.papers_analysed
        or adoption.papers_using_dl is distinct from recount.papers_using_dl
        or adoption.papers_reusing_ptms is distinct from recount.papers_reusing_ptms

),

uncounted_papers as (

    select null as field_id, papers.publication_year, 'paper ' || papers.doi || ' in no field-year' as problem
    from papers
    where
        len(papers.field_ids) > 0
        and not exists (
            select 1 from adoption
            where
                list_contains(papers.field_ids, adoption.field_id)
                and adoption.publication_year = papers.publication_year
        )

)

select * from mismatched_field_years
union all
select * from uncounted_papers
