{#-
    on-run-end: after a run that built int_run_configurations, say which run configuration's labels feed the marts
    and with what coverage, list the others, and warn when coverage is partial or nothing was selected — in plain
    `dbt build` output as in `ptmreuse build`'s.
-#}
{% macro report_run_configuration(results) -%}
    {%- if execute -%}
        {%- set relation = [] -%}
        {%- for result in results
              if result.node.unique_id == 'model.ptmreuse.int_run_configurations' and result.status == 'success' -%}
            {%- do relation.append(result.node.relation_name) -%}
        {%- endfor -%}
        {%- if relation -%}
            {%- set rows = run_query(
                "select run_configuration, papers_analysed, papers_in_warehouse, coverage, calls, failed_calls,"
                ~ " coalesce(failed_call_share, 0), is_eligible, is_selected, selected_by from " ~ relation[0]
                ~ " order by is_selected desc, coverage desc, run_configuration").rows -%}
            {%- set reasons = {'coverage': 'the highest coverage', 'classifier_run': 'var classifier_run',
                               'classifier_configuration': 'var classifier_configuration'} -%}
            {%- if rows and rows[0][8] -%}
                {%- set row = rows[0] -%}
                {%- do log("Classifier labels in the marts: " ~ row[0] ~ " (chosen by " ~ reasons[row[9]] ~ ")", info=true) -%}
                {%- do log("  " ~ coverage_line(row), info=true) -%}
                {%- if row[1] < row[2] -%}
                    {%- do exceptions.warn("Partial coverage: " ~ (row[2] - row[1]) ~ " of " ~ row[2]
                        ~ " papers have no complete labels in this configuration and count as not analysed;"
                        ~ " label them with `ptmreuse classify` (same options), or choose another configuration.") -%}
                {%- endif -%}
            {%- elif rows -%}
                {%- do exceptions.warn("No classifier labels feed the marts: no run configuration is eligible by"
                    ~ " default (each labelled no paper, failed, or had most of its calls fail); choose one with"
                    ~ " --vars '{classifier_configuration: \"...\"}'. Every paper counts as not analysed.") -%}
            {%- else -%}
                {%- do exceptions.warn("No classifier labels feed the marts: no classifier has run yet (run"
                    ~ " `ptmreuse classify`). Every paper counts as not analysed.") -%}
            {%- endif -%}
            {%- for row in rows if not row[8] -%}
                {%- do log("  also labelled: " ~ row[0] ~ ": " ~ coverage_line(row)
                    ~ ("" if row[7] else " (not eligible by default)"), info=true) -%}
            {%- endfor -%}
            {%- if rows | length > 1 -%}
                {%- do log("  choose another with --vars '{classifier_configuration: \"<configuration>\"}'", info=true) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- "coverage 350 of 360 papers (97.2 %); 3 of 412 calls failed (0.7 %)" for a row of the query above. -#}
{% macro coverage_line(row) -%}
    {{ return("coverage " ~ row[1] ~ " of " ~ row[2] ~ " papers (" ~ '%.1f' | format(row[3] * 100) ~ " %); "
              ~ row[5] ~ " of " ~ row[4] ~ " calls failed (" ~ '%.1f' | format(row[6] * 100) ~ " %)") }}
{%- endmacro %}
