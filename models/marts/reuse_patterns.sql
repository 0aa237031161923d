{#-
    Reuse patterns (conceptual, adaptation, deployment) per field × year; the logic is shared with stage_impact in
    macros/ptm_category_by_field_year.sql.
-#}
{{ ptm_category_by_field_year('reuse_pattern', 'reuse_pattern_definitions') }}
