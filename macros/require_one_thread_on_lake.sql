{#- The `lake` target (profiles.yml) runs with one thread: dbt-duckdb with several threads on a DuckLake corrupted
    its catalog (the lake could no longer be attached; upstream ducklake issue #1404). Refused before any model runs,
    for `ptmreuse build` and plain `dbt build --target lake --threads N` alike. -#}
{% macro require_one_thread_on_lake() %}
    {%- if execute and target.name == 'lake' and target.threads | int > 1 -%}
        {{ exceptions.raise_compiler_error(
            "the lake target builds with one thread, not " ~ target.threads ~ ": several threads corrupt a "
            ~ "DuckLake catalog (ducklake issue #1404); run again without --threads"
        ) }}
    {%- endif -%}
{% endmacro %}
