{#-
    on-run-start, after create_raw_tables: a build that includes models stops at once on a warehouse without
    papers, saying what to run, instead of building every model empty and failing on the tests that expect rows.
    (`ptmreuse build` checks the same before it starts dbt; seeds and unit tests alone need no papers.)
-#}
{% macro require_papers() -%}
    {%- if execute -%}
        {%- set models = [] -%}
        {%- for unique_id in selected_resources if unique_id.startswith('model.') -%}
            {%- do models.append(unique_id) -%}
        {%- endfor -%}
        {%- if models and not run_query("select exists (select 1 from raw.papers)").columns[0].values()[0] -%}
            {{ exceptions.raise_compiler_error(no_papers_message()) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{% macro no_papers_message() -%}
    no papers: run `ptmreuse ingest jats PATH` first
{%- endmacro %}
