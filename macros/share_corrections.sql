{#-
    Pattern and stage shares corrected for classification error, with an interval (issue 15).

    `ptmreuse eval` measures the confusion of matched gold entries, P[i, j] = share of gold-category-i entries
    predicted as j, and writes the correction (Pᵀ)⁻¹ over the categories the gold set covers, or why it wrote none
    (evaluation/category_confusion.py owns that rule). The corrected shares of a scope are (Pᵀ)⁻¹ × the observed
    shares, negatives set to 0 and renormalised to the observed share of the covered categories: a category the gold
    set does not cover keeps its observed share and gets no corrected value.

    The interval is a seeded Monte Carlo over both sources of error: each of the 1,000 draws takes the rows of P and
    the observed shares of the scope from their Dirichlet posteriors (counts + ½, Jeffreys' prior: the gold set's
    confusion counts row by row, the scope's PTM instances per category), inverts the drawn Pᵀ and corrects the
    drawn shares the same way as the point estimate (clipped, renormalised). The interval is the draws' percentiles
    at α/2k and 1 − α/2k over the k categories, so like Goodman's intervals of the raw shares it is simultaneous.
-#}

{#-
    Gamma(shape, 1) draws for a Dirichlet, from two seeded uniforms: Wilson–Hilferty's cube-of-a-normal for shape + 1
    (accurate from shape ≥ 1.5 on) times U^(1/shape), Marsaglia and Tsang's step down to any shape > 0.
    One row per `keys` × draw × category of the relation `rows`, whose column `count` gives the counts: share is the
    category's Dirichlet(count + ½) draw within its `keys` (the shares of a draw sum to 1).
-#}
{% macro dirichlet_draws(rows, keys, category, count, stream) -%}
    {%- set partition = (keys + ['draw']) | join(', ') -%}
    (
        select {{ partition }}, {{ category }}, cast(gamma / sum(gamma) over (partition by {{ partition }}) as double)
            as share
        from (
            select
                {{ partition }},
                {{ category }},
                (shape + 1) * pow(greatest(0.0, 1 - 1 / (9 * (shape + 1)) + z / (3 * sqrt(shape + 1))), 3)
                    * pow(u_boost, 1 / shape) as gamma
            from (
                select
                    {{ partition }},
                    {{ category }},
                    shape,
                    {{ normal_quantile('u_normal') }} as z,
                    u_boost
                from (
                    select
                        {% for key in keys %}counts.{{ key }}, {% endfor %}
                        cast(draws.range as integer) as draw,
                        counts.{{ category }},
                        cast(counts.{{ count }} as double) + 0.5 as shape,
                        {%- set parts = ["'" ~ monte_carlo_seed() ~ "'", "'" ~ stream ~ "'"] -%}
                        {%- for key in keys %}{% do parts.append('counts.' ~ key) %}{% endfor -%}
                        {%- do parts.append('counts.' ~ category) -%}
                        {%- do parts.append('draws.range') %}
                        {{ seeded_uniform("concat_ws(':', " ~ parts | join(', ') ~ ", 'normal')") }} as u_normal,
                        {{ seeded_uniform("concat_ws(':', " ~ parts | join(', ') ~ ", 'boost')") }} as u_boost
                    from {{ rows }} as counts
                    cross join range({{ monte_carlo_draw_count() }}) as draws
                )
            )
        )
    )
{%- endmacro %}

{#-
    The inverse of each matrix in `matrix` (columns keys…, draw, r, c, v with r, c = 1…k, all k² cells) by
    Gauss–Jordan elimination without pivoting on [A | I], packed as one list per matrix, one step per recursion:
    the drawn matrices are column-stochastic with the measured diagonal, and a draw whose pivot is tiny gives a wild
    inverse that the clipping and the percentiles absorb (it is one of the draws, not the estimate).
    Returns keys…, draw, r, c, v of the inverse.
-#}
{% macro matrix_inverse_draws(matrix, keys) -%}
    {%- set partition = (keys + ['draw']) | join(', ') -%}
    {#- element i (0-based) of the augmented k × 2k list sits in row i // 2k, column i % 2k -#}
    {%- set row = '(i // (2 * size))' -%}
    {%- set column = '(i % (2 * size))' -%}
    {%- set pivot = 'm[step * 2 * size + step + 1]' -%}
    (
        with recursive

        augmented as (

            select
                {{ partition }},
                size,
                list_transform(range(size * 2 * size), i -> case
                    when {{ column }} < size then a[{{ row }} * size + {{ column }} + 1]
                    when {{ column }} - size = {{ row }} then 1.0
                    else 0.0
                end) as m
            from (
                select {{ partition }}, max(r) as size, list(cast(v as double) order by r, c) as a
                from {{ matrix }}
                group by {{ partition }}
            )

        ),

        eliminated (step, {{ partition }}, size, m) as (

            select 0, {{ partition }}, size, m from augmented
            union all
            select
                step + 1,
                {{ partition }},
                size,
                list_transform(range(size * 2 * size), i -> case
                    when {{ row }} = step then m[i + 1] / {{ pivot }}
                    else m[i + 1] - m[{{ row }} * 2 * size + step + 1] * m[step * 2 * size + {{ column }} + 1]
                        / {{ pivot }}
                end)
            from eliminated
            where step < size

        )

        select {{ partition }}, rows.r + 1 as r, columns.c + 1 as c, m[rows.r * 2 * size + size + columns.c + 1] as v
        from eliminated
        cross join range(size) as rows (r)
        cross join range(size) as columns (c)
        where step = size
    )
{%- endmacro %}

{#-
    The corrected shares of each `keys` of `observed` (keys…, category, share) through `coefficients`
    (true_category, predicted_category, coefficient over the covered categories, plus the columns `joins` it shares
    with `observed`, e.g. draw): Σ coefficient × observed share, negatives set to 0, renormalised to the observed
    share of the covered categories. One row per keys × covered category: keys…, category, share.
-#}
{% macro apply_share_correction(observed, coefficients, keys, joins=[]) -%}
    (
        select
            {{ keys | join(', ') }},
            category,
            {#- least: the renormalised share may pass 1 by a rounding error #}
            cast(least(1.0, raw / nullif(sum(raw) over (partition by {{ keys | join(', ') }}), 0) * covered_share)
                as double) as share
        from (
            select
                {% for key in keys %}observed.{{ key }}, {% endfor %}
                coefficients.true_category as category,
                greatest(0.0, sum(coefficients.coefficient * observed.share)) as raw,
                {#- each covered category meets itself once: the diagonal terms sum to the covered categories' share #}
                sum(sum(observed.share) filter (where coefficients.true_category = coefficients.predicted_category))
                    over (partition by {% for key in keys %}observed.{{ key }}{% if not loop.last %}, {% endif %}{% endfor %})
                    as covered_share
            from {{ observed }} as observed
            inner join {{ coefficients }} as coefficients
                on observed.category = coefficients.predicted_category
                {%- for join in joins %}
                and observed.{{ join }} = coefficients.{{ join }}
                {%- endfor %}
            group by {% for key in keys %}observed.{{ key }}, {% endfor %}coefficients.true_category
        )
    )
{%- endmacro %}

{#-
    The 95 % simultaneous interval of each keys × category over the corrected draws (keys…, draw, category, share):
    percentiles α/2k and 1 − α/2k over k = `k` categories (Bonferroni, as Goodman's intervals of the raw shares),
    interpolated as quantile_cont does (which only takes constant quantiles; k is the categories seed's row count).
-#}
{% macro corrected_share_interval(corrected_draws, keys, k) -%}
    (
        select
            {{ keys | join(', ') }},
            category,
            {%- for end, q in [('low', '0.025 / k'), ('high', '1 - 0.025 / k')] %}
            cast(sorted[floor(({{ q }}) * (n - 1))::bigint + 1]
                + (({{ q }}) * (n - 1) - floor(({{ q }}) * (n - 1)))
                * (sorted[least(n, floor(({{ q }}) * (n - 1))::bigint + 2)] - sorted[floor(({{ q }}) * (n - 1))::bigint + 1])
                as double) as ci_{{ end }}
            {%- if not loop.last %},{% endif %}
            {%- endfor %}
        from (
            select {{ keys | join(', ') }}, category, list_sort(list(share)) as sorted, count(share) as n,
                cast({{ k }} as double) as k
            from {{ corrected_draws }}
            where share is not null
            group by {{ keys | join(', ') }}, category
        )
    )
{%- endmacro %}
