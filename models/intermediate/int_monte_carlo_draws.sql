{#-
    Seeded standard-normal draws for the corrected rates' intervals (macros/corrections.sql): one row per draw,
    three independent streams (the sampled proportion, sensitivity, specificity). Uniforms come from DuckDB's hash
    of (seed, draw, stream), so the same seed gives the same draws on every build and every machine with the same
    DuckDB; Φ⁻¹ turns them into normals (macros/intervals.sql).
-#}
{%- set seed = 20261202 -%}
{%- set draws = 1000 -%}

with

uniforms as (

    select
        range as draw,
        ((hash({{ seed }}, range, 1) >> 11)::double + 0.5) / 9007199254740992.0 as u_prevalence,
        ((hash({{ seed }}, range, 2) >> 11)::double + 0.5) / 9007199254740992.0 as u_sensitivity,
        ((hash({{ seed }}, range, 3) >> 11)::double + 0.5) / 9007199254740992.0 as u_specificity
    from range({{ draws }})

),

final as (

    select
        cast(draw as integer) as draw,
        cast({{ normal_quantile('u_prevalence') }} as double) as z_prevalence,
        cast({{ normal_quantile('u_sensitivity') }} as double) as z_sensitivity,
        cast({{ normal_quantile('u_specificity') }} as double) as z_specificity
    from uniforms

)

select * from final
