{#-
    on-run-start: create every table of the `raw` source that is missing, empty, with the columns and types
    declared in models/staging/__sources.yml (the one declaration the Python loaders derive theirs from, see
    warehouse/raw_schema.py). A warehouse filled by `ptmreuse ingest` alone (no OpenAlex, no classifier yet)
    then builds with plain `dbt build`. Existing tables and their rows are left alone.
-#}
{% macro create_raw_tables() -%}
    {%- if execute -%}
        {%- set statements = ["create schema if not exists raw"] -%}
        {%- for source in graph.sources.values() | sort(attribute='unique_id') -%}
            {%- if source.source_name == 'raw' -%}
                {%- set columns = [] -%}
                {%- for column in source.columns.values() -%}
                    {%- do columns.append('"' ~ column.name ~ '" ' ~ column.data_type) -%}
                {%- endfor -%}
                {%- do statements.append("create table if not exists raw." ~ source.name
                                         ~ " (" ~ columns | join(", ") ~ ")") -%}
            {%- endif -%}
        {%- endfor -%}
        {{ statements | join(";\n") }}
    {%- endif -%}
{%- endmacro %}
