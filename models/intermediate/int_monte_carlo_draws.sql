{#- Seeded standard-normal draws for the corrected rates' intervals (macros/corrections.sql, monte_carlo_draws). -#}
{{ monte_carlo_draws() }}
