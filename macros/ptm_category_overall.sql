{#-
    Reuse-pattern or stage shares with Goodman's simultaneous intervals at the levels users quote: scope overall
    (natural-science papers of the year window with PTMs, each once), year, and field (one field over all years,
    summed from the field-year mart `by_field_model`, so weighted by counting_convention). Shared by
    reuse_patterns_overall and stage_impact_overall. Counting as in ptm_category_by_field_year: a PTM instance is
    one (paper, canonical PTM) pair in the category.

    share_of_instances_corrected: the instance shares corrected for classification error through the correction
    matrix `ptmreuse eval` measured for the configuration that fed the marts on var correction_gold_set
    (int_share_correction: (Pᵀ)⁻¹ from ≥ 30 matched gold entries), with a simultaneous 95 % Monte Carlo interval
    over the sampling error of the shares and the uncertainty of the matrix (int_share_correction_draws;
    macros/share_corrections.sql). A category the gold set does not cover keeps no corrected value, and the
    covered ones are corrected within the rest of the scope; share_correction_note says why a row is not corrected.
-#}
{% macro ptm_category_overall(category, categories_seed, by_field_model) %}

with

reuses as (

    select doi, publication_year, {{ category }}, count(distinct canonical_name) as ptm_instances
    from {{ ref('ptm_reuse') }}
    where is_natural_science and is_in_year_window
    group by doi, publication_year, {{ category }}

),

categories as (

    select {{ category }}, display_name, sort_order from {{ ref(categories_seed) }}

),

simultaneous as (

    select {{ simultaneous_z('count(*)') }} as z from categories

),

share_correction as (

    select * from {{ ref('int_share_correction') }}
    where category_kind = '{{ category }}'
        and gold_set = '{{ settings().correction_gold_set }}'
        and run_configuration = {{ selected_run_configuration() }}

),

---------- totals per scope: papers with any PTM, PTM instances

paper_totals as (

    select
        case when grouping(publication_year) = 1 then 'overall' else 'year' end as scope,
        cast(null as integer) as field_id,
        case when grouping(publication_year) = 0 then publication_year end as publication_year,
        count(distinct doi) as papers_with_ptms,
        sum(ptm_instances) as ptm_instances_total
    from reuses
    group by grouping sets ((), (publication_year))

),

paper_counts as (

    select
        case when grouping(publication_year) = 1 then 'overall' else 'year' end as scope,
        cast(null as integer) as field_id,
        case when grouping(publication_year) = 0 then publication_year end as publication_year,
        {{ category }},
        count(distinct doi) as papers,
        sum(ptm_instances) as ptm_instances
    from reuses
    group by grouping sets (({{ category }}), ({{ category }}, publication_year))

),

field_totals as (

    select 'field' as scope, field_id, cast(null as integer) as publication_year,
        sum(papers_with_ptms) as papers_with_ptms, sum(ptm_instances_total) as ptm_instances_total
    from (
        select distinct field_id, publication_year, papers_with_ptms, ptm_instances_total
        from {{ ref(by_field_model) }}
    )
    group by field_id

),

field_counts as (

    select 'field' as scope, field_id, cast(null as integer) as publication_year, {{ category }},
        sum(papers) as papers, sum(ptm_instances) as ptm_instances
    from {{ ref(by_field_model) }}
    group by field_id, {{ category }}

),

field_names as (

    select distinct field_id, field_name, is_natural_science_field from {{ ref(by_field_model) }}

),

totals as (

    select * from paper_totals
    union all
    select * from field_totals

),

counts as (

    select * from paper_counts
    union all
    select * from field_counts

),

shares as (

    select
        ----------  keys
        cast(totals.scope || coalesce(':' || totals.field_id, '') || coalesce(':' || totals.publication_year, '')
            || ':' || categories.{{ category }} as varchar) as row_key,
        cast(totals.scope as varchar) as scope,
        cast(totals.field_id as integer) as field_id,
        field_names.field_name,
        field_names.is_natural_science_field,
        cast(totals.publication_year as integer) as publication_year,
        categories.{{ category }},
        categories.display_name as {{ category }}_name,
        cast(categories.sort_order as integer) as {{ category }}_order,

        ---------- counts, shares and their simultaneous intervals (macros/ptm_category_shares.sql)
        {{ ptm_category_share_columns('counts', 'totals') }},
        totals.scope || coalesce(':' || totals.field_id, '') || coalesce(':' || totals.publication_year, '')
            as scope_key

    from totals
    cross join categories
    cross join simultaneous
    left join counts
        on totals.scope = counts.scope
        and totals.field_id is not distinct from counts.field_id
        and totals.publication_year is not distinct from counts.publication_year
        and categories.{{ category }} = counts.{{ category }}
    left join field_names on totals.field_id = field_names.field_id

),

---------- shares corrected through the measured confusion matrix, with a Monte Carlo interval
---------- (macros/share_corrections.sql)

coefficients as (

    select true_category, predicted_category, coefficient from share_correction where coefficient is not null

),

observed as (

    select scope_key, {{ category }} as category, share_of_instances as share from shares

),

corrected as (

    select * from {{ apply_share_correction('observed', 'coefficients', ['scope_key']) }}

),

observed_counts as (

    select scope_key, {{ category }} as category, ptm_instances
    from shares
    where ptm_instances_total > 0 and exists (select 1 from coefficients)

),

observed_draws as (

    select * from {{ dirichlet_draws('observed_counts', ['scope_key'], 'category', 'ptm_instances',
                                     category ~ '_shares') }}

),

coefficient_draws as (

    select draw, true_category, predicted_category, coefficient
    from {{ ref('int_share_correction_draws') }}
    where category_kind = '{{ category }}'

),

corrected_draws as (

    select * from {{ apply_share_correction('observed_draws', 'coefficient_draws', ['scope_key', 'draw'], ['draw']) }}

),

corrected_intervals as (

    select * from {{ corrected_share_interval('corrected_draws', ['scope_key'], '(select count(*) from categories)') }}

),

final as (

    select
        shares.* exclude (scope_key),
        cast(corrected.share as double) as share_of_instances_corrected,
        cast(case when corrected.share is not null then corrected_intervals.ci_low end as double)
            as share_of_instances_corrected_ci_low,
        cast(case when corrected.share is not null then corrected_intervals.ci_high end as double)
            as share_of_instances_corrected_ci_high,
        cast('{{ settings().correction_gold_set }}' as varchar) as share_correction_gold_set,
        cast((select any_value(run_configuration) from share_correction where coefficient is not null) as varchar)
            as share_correction_run_configuration,
        cast(case
            when corrected.share is not null then null
            when (select count(*) from share_correction) = 0 then
                'not corrected for classification error: no {{ category | replace("_", " ") }} confusion matrix'
                || ' measured for the configuration that fed the marts on gold set'
                || ' {{ settings().correction_gold_set }}; run `ptmreuse eval`'
            when left_out.not_corrected_reason is not null then
                'not corrected for classification error: on gold set {{ settings().correction_gold_set }}, '
                || left_out.not_corrected_reason
            when exists (select 1 from coefficients) then
                'not corrected: no PTM instances in the scope'
            else
                'not corrected for classification error: on gold set {{ settings().correction_gold_set }}, '
                || coalesce((select any_value(not_corrected_reason) from share_correction), 'no correction')
        end as varchar) as share_correction_note,

        ---------- settings
        {{ mart_setting_columns(selected_run_configuration()) }}

    from shares
    left join corrected
        on shares.scope_key = corrected.scope_key and shares.{{ category }} = corrected.category
    left join corrected_intervals
        on shares.scope_key = corrected_intervals.scope_key and shares.{{ category }} = corrected_intervals.category
    left join share_correction as left_out
        on shares.{{ category }} = left_out.true_category and left_out.coefficient is null

)

select * from final

{% endmacro %}
