{#-
    Rates corrected for the classifier's measured error (issue 15), for the yes/no tasks uses_dl and uses_ptms.

    The error is the sensitivity Se and specificity Sp that `ptmreuse eval` measured for the run configuration that
    fed the marts, on the gold set named by var correction_gold_set (int_classifier_error). The corrected prevalence
    is Rogan–Gladen's (p + Sp − 1) / (Se + Sp − 1), clipped to [0, 1]; undefined (null) when Se + Sp ≤ 1.

    Its 95 % interval is a seeded parametric bootstrap over both sources of error: each of 1,000 draws
    (int_monte_carlo_draws) takes the observed proportion, Se and Sp from their Wilson score confidence
    distributions (wilson_bound with a normal z: the sampling error of the mart's x of n, and of the gold set's
    tp of tp+fn and tn of tn+fp) and corrects it; the interval is the 2.5–97.5 % percentiles. With a perfect
    classifier measured on a large gold set it is the Wilson interval.

    A configuration never evaluated on that gold set gets nulls and a note (correction_columns), never zeros.
-#}

{% macro rogan_gladen(p, se, sp) -%}
    {#- DuckDB's greatest/least skip nulls: a missing p must stay null #}
    case when ({{ p }}) is not null and ({{ se }}) + ({{ sp }}) > 1 then
        greatest(0.0, least(1.0, (({{ p }}) + ({{ sp }}) - 1) / (({{ se }}) + ({{ sp }}) - 1)))
    end
{%- endmacro %}

{#- The measured error of the selected configuration on the correction gold set, one row per task. -#}
{% macro correction_error_relation() -%}
    (select * from {{ ref('int_classifier_error') }}
     where gold_set = '{{ settings().correction_gold_set }}' and run_configuration = {{ selected_run_configuration() }})
{%- endmacro %}

{#-
    One bootstrap draw of the corrected rate for x of n, with the gold set's confusion counts tp, fn, tn, fp and a
    row `draws` of int_monte_carlo_draws (or monte_carlo_draws()): the proportion, Se and Sp each from its Wilson
    score confidence distribution.
-#}
{% macro corrected_rate_draw(x, n, tp, fn, tn, fp, draws='draws') -%}
    {{ rogan_gladen(
        wilson_bound(x, n, draws ~ '.z_prevalence'),
        wilson_bound(tp, tp ~ ' + ' ~ fn, draws ~ '.z_sensitivity'),
        wilson_bound(tn, tn ~ ' + ' ~ fp, draws ~ '.z_specificity')) }}
{%- endmacro %}

{#- The Monte Carlo seed and number of draws every corrected interval uses (rates and shares alike). -#}
{% macro monte_carlo_seed() %}20261202{% endmacro %}
{% macro monte_carlo_draw_count() %}1000{% endmacro %}

{#-
    A seeded uniform on (0, 1) from DuckDB's hash of the string `key` (its hash of several values at once gives
    correlated streams, so callers join their parts into one string): the same key gives the same value on every
    build, different keys independent-looking ones.
-#}
{% macro seeded_uniform(key) -%}
    (((hash({{ key }}) >> 11)::double + 0.5) / 9007199254740992.0)
{%- endmacro %}

{#-
    Seeded standard-normal draws (the SQL of int_monte_carlo_draws): one row per draw, three independent streams
    (the sampled proportion, sensitivity, specificity), uniforms keyed 'seed:stream:draw' turned into normals by Φ⁻¹
    (macros/intervals.sql).
-#}
{% macro monte_carlo_draws() -%}
    select
        cast(range as integer) as draw,
        {%- for stream in ['prevalence', 'sensitivity', 'specificity'] %}
        cast({{ normal_quantile(seeded_uniform("'" ~ monte_carlo_seed() ~ ':' ~ stream ~ ":' || range")) }}
            as double) as z_{{ stream }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from range({{ monte_carlo_draw_count() }})
{%- endmacro %}

{#-
    A subquery: one row per `keys` of the relation `rows`, with `name`_corrected, `name`_corrected_ci_low and
    `name`_corrected_ci_high for each rate in `rates` (dicts: name, x, n, task).
-#}
{% macro corrected_rates(rows, keys, rates) -%}
    (
        select
            {% for key in keys -%} {{ key }}, {% endfor %}
            {%- for rate in rates %}
            {{ rate.name }}_corrected,
            cast({{ rate.name }}_interval[1] as double) as {{ rate.name }}_corrected_ci_low,
            cast({{ rate.name }}_interval[2] as double) as {{ rate.name }}_corrected_ci_high
            {%- if not loop.last %},{% endif %}
            {%- endfor %}
        from (
            select
                {% for key in keys -%} {{ rows }}.{{ key }}, {% endfor %}
                {%- for rate in rates %}
                {%- set e = 'error_' ~ rate.task -%}
                {%- set x = rows ~ '.' ~ rate.x -%}
                {%- set n = rows ~ '.' ~ rate.n %}
                cast(any_value({{ rogan_gladen(x ~ ' / nullif(' ~ n ~ ', 0)', e ~ '.sensitivity',
                                               e ~ '.specificity') }}) as double) as {{ rate.name }}_corrected,
                quantile_cont({{ corrected_rate_draw(x, n, e ~ '.tp', e ~ '.fn', e ~ '.tn', e ~ '.fp') }},
                              [0.025, 0.975]) as {{ rate.name }}_interval
                {%- if not loop.last %},{% endif %}
                {%- endfor %}
            from {{ rows }}
            cross join {{ ref('int_monte_carlo_draws') }} as draws
            {%- for task in rates | map(attribute='task') | unique %}
            left join {{ correction_error_relation() }} as error_{{ task }} on error_{{ task }}.task = '{{ task }}'
            {%- endfor %}
            group by {% for key in keys %}{{ rows }}.{{ key }}{% if not loop.last %}, {% endif %}{% endfor %}
        )
    )
{%- endmacro %}

{#-
    The adoption marts' corrected rates (field_year_adoption, adoption_overall): the uses_dl rate and the PTM rate of
    analysed papers, as a corrected_rates() subquery of `rows` by `keys`; corrected_adoption_columns() selects them
    from it (aliased `relation`) with what corrected them.
-#}
{% macro corrected_adoption_rates(rows, keys) -%}
    {{ corrected_rates(rows, keys, [
        {'name': 'dl_rate', 'x': 'papers_using_dl', 'n': 'papers_analysed', 'task': 'uses_dl'},
        {'name': 'ptm_rate_of_analysed', 'x': 'papers_reusing_ptms', 'n': 'papers_analysed', 'task': 'uses_ptms'},
    ]) }}
{%- endmacro %}

{% macro corrected_adoption_columns(relation='corrected') -%}
    {%- for rate in ['dl_rate', 'ptm_rate_of_analysed'] %}
        {{ relation }}.{{ rate }}_corrected,
        {{ relation }}.{{ rate }}_corrected_ci_low,
        {{ relation }}.{{ rate }}_corrected_ci_high,
    {%- endfor %}
        {{ correction_columns() }}
{%- endmacro %}

{#-
    The columns that say what corrected the rates: the gold set, the configuration whose measured error was used
    (null when it was never evaluated there) and, when nothing could be corrected, why.
-#}
{% macro correction_columns() -%}
    {%- set gold_set = settings().correction_gold_set -%}
    cast('{{ gold_set }}' as varchar) as correction_gold_set,
    cast((select any_value(run_configuration) from {{ correction_error_relation() }}) as varchar)
        as correction_run_configuration,
    cast(case
        when (select count(*) from {{ correction_error_relation() }}) = 0 then
            'not corrected: no sensitivity/specificity measured for the configuration that fed the marts on gold set'
            || ' {{ gold_set }} (never evaluated there, or none of its papers analysed); run `ptmreuse eval`, which'
            || ' rebuilds the corrected marts'
        when (select count(*) from {{ correction_error_relation() }} where sensitivity + specificity > 1) < 2 then
            'partly or not corrected: on gold set {{ gold_set }} a task has no gold positives or negatives, or its'
            || ' sensitivity + specificity is not above 1'
    end as varchar) as correction_note
{%- endmacro %}
