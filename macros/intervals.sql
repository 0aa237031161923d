{#-
    Confidence intervals in SQL, so every rate and share in the marts carries its own (issue 15).

    wilson_bound(x, n, z)        one end of the Wilson score interval for x successes of n: z < 0 gives the lower
                                 end, z > 0 the upper one; null when n = 0. With z drawn from N(0, 1) it samples the
                                 score confidence distribution of the proportion (used by the corrected rates).
    wilson_columns(x, n, name)   `name`_ci_low, `name`_ci_high: the 95 % Wilson interval (Wilson 1927; Newcombe
                                 1998, method 3).
    normal_quantile(p)           the standard normal quantile Φ⁻¹(p), Acklam's rational approximation without the
                                 refinement step (relative error < 1e-5; DuckDB has no erf), for 0 < p < 1.
    simultaneous_z(k)            z of Goodman's (1965) simultaneous 95 % intervals over k categories: z² is the
                                 χ²(1) quantile at 1 − 0.05/k, i.e. z = Φ⁻¹(1 − 0.05/(2k)). Wilson's formula with
                                 this z gives Goodman's interval for each category.
-#}

{% macro wilson_bound(x, n, z) -%}
    case
        {#- DuckDB's greatest/least skip nulls: a missing input must give null before them #}
        when ({{ x }}) is null or ({{ n }}) is null or ({{ z }}) is null or not (({{ n }}) > 0) then null
        {#- the exact ends, which floating point misses by an ulp #}
        when ({{ x }}) >= ({{ n }}) and ({{ z }}) >= 0 then 1.0
        when ({{ x }}) <= 0 and ({{ z }}) <= 0 then 0.0
        else greatest(0.0, least(1.0,
            ((({{ x }}) + ({{ z }}) * ({{ z }}) / 2.0) / (({{ n }}) + ({{ z }}) * ({{ z }})))
            + ({{ z }}) * sqrt(greatest(0.0, ({{ x }}) * (({{ n }}) - ({{ x }})) / ({{ n }}) + ({{ z }}) * ({{ z }}) / 4.0))
                / (({{ n }}) + ({{ z }}) * ({{ z }}))
        ))
    end
{%- endmacro %}

{% macro wilson_columns(x, n, name, z=none) -%}
    {%- set z = z if z is not none else 1.959963984540054 -%}
    cast({{ wilson_bound(x, n, '-(' ~ z ~ ')') }} as double) as {{ name }}_ci_low,
    cast({{ wilson_bound(x, n, z) }} as double) as {{ name }}_ci_high
{%- endmacro %}

{% macro normal_quantile(p) -%}
    {%- set a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239] -%}
    {%- set b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572] -%}
    {%- set c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549671254960042, 4.374664141464968, 2.938163982698783] -%}
    {%- set d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416] -%}
    {%- set tail = "(((((" ~ c[0] ~ " * @q + " ~ c[1] ~ ") * @q + " ~ c[2] ~ ") * @q + " ~ c[3] ~ ") * @q + " ~ c[4]
        ~ ") * @q + " ~ c[5] ~ ") / ((((" ~ d[0] ~ " * @q + " ~ d[1] ~ ") * @q + " ~ d[2] ~ ") * @q + " ~ d[3] ~ ") * @q + 1)" -%}
    {%- set centre = "(((((" ~ a[0] ~ " * @r + " ~ a[1] ~ ") * @r + " ~ a[2] ~ ") * @r + " ~ a[3] ~ ") * @r + " ~ a[4]
        ~ ") * @r + " ~ a[5] ~ ") * @q / (((((" ~ b[0] ~ " * @r + " ~ b[1] ~ ") * @r + " ~ b[2] ~ ") * @r + " ~ b[3]
        ~ ") * @r + " ~ b[4] ~ ") * @r + 1)" -%}
    {%- set p = '(' ~ p ~ ')' -%}
    (case
        when {{ p }} < 0.02425 then
            {{ tail | replace('@q', 'sqrt(-2 * ln(' ~ p ~ '))') }}
        when {{ p }} > 1 - 0.02425 then
            -{{ tail | replace('@q', 'sqrt(-2 * ln(1 - ' ~ p ~ '))') }}
        else
            {{ centre | replace('@r', '((' ~ p ~ ' - 0.5) * (' ~ p ~ ' - 0.5))') | replace('@q', '(' ~ p ~ ' - 0.5)') }}
    end)
{%- endmacro %}

{% macro simultaneous_z(k) -%}
    {{ normal_quantile('1 - 0.05 / (2.0 * (' ~ k ~ '))') }}
{%- endmacro %}
