{#-
    `source()` without the database: a staging view then reads `raw.papers`, not `warehouse.raw.papers`. DuckDB
    binds a view's names inside the file that holds it, so the views keep working when the warehouse file is
    copied or renamed (an archived `warehouse-2026-12.duckdb`) or attached under another alias; with the database
    written in, every staging view of a renamed file fails with 'Catalog "warehouse" does not exist'.
-#}
{% macro source(source_name, table_name) %}
    {% do return(builtins.source(source_name, table_name).include(database=false)) %}
{% endmacro %}
