{#-
    var classifier_run names a run that exists. With `latest` (default) nothing is required: a warehouse whose
    classifier never finished a run builds, with unlabelled papers and a null run_configuration.
-#}
{%- set classifier_run = var('classifier_run', 'latest') | string -%}

{% if classifier_run == 'latest' %}
select 'none' as missing_run_id where false
{% else %}
select '{{ classifier_run | replace("'", "''") }}' as missing_run_id
where not exists (select 1 from {{ ref('stg_classifier__runs') }} where is_selected_run)
{% endif %}
