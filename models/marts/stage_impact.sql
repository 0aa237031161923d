{#-
    Stages of the scientific process served by reused PTMs, per field × year; the logic is shared with
    reuse_patterns in macros/ptm_category_by_field_year.sql.
-#}
{{ ptm_category_by_field_year('stage', 'scientific_stages') }}
