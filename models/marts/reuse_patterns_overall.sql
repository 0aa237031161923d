{#- Reuse-pattern shares with simultaneous intervals overall, per year and per field
    (macros/ptm_category_overall.sql). -#}
{{ ptm_category_overall('reuse_pattern', 'reuse_pattern_definitions', 'reuse_patterns') }}
