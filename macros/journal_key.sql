{#-
    The one place journal names are normalised, so "PLoS ONE", "PLOS ONE" and "PLOS One" are one journal: lower
    case, accents stripped, "&" spelled "and", every run of characters that is not a letter or digit made one
    space, a leading "the" dropped ("The Plant Cell" = "Plant Cell"). Papers (stg_jats__papers.journal_key) and the
    seed journal_fields are keyed with it.
-#}
{% macro journal_key(expr) -%}
    nullif(
        regexp_replace(
            trim(regexp_replace(replace(lower(strip_accents(trim({{ expr }}))), '&', ' and '), '[^a-z0-9]+', ' ', 'g')),
            '^the ',
            ''
        ),
        ''
    )
{%- endmacro %}
