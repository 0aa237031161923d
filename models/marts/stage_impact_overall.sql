{#- Stage shares with simultaneous intervals overall, per year and per field (macros/ptm_category_overall.sql). -#}
{{ ptm_category_overall('stage', 'scientific_stages', 'stage_impact') }}
