{#-
    Custom schemas are used as they are (`staging`, `marts`, …), without the target schema as prefix (dbt's
    default, which jaffle-shop keeps, would name them `main_marts`): users query `marts.papers`.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
