{#-
    Incremental per-paper models. Every per-paper model (int_paper_fields, int_paper_labels, int_paper_ptm_mentions,
    papers) computes each paper from that paper's rows only, so a build only has to recompute the papers whose inputs changed.
    int_paper_changes says which: it stamps `changed_at` (the build's start) on every DOI whose input fingerprint
    differs from the one it last saw. A per-paper model recomputes the DOIs changed after its own newest
    `refreshed_at`: its pre-hook deletes their rows (so a paper that now has no row loses its old ones), and its
    SELECT, filtered with `is_changed_paper`, appends their new rows.

    Why this never appends a paper twice: a paper's rows are stamped with the newest change stamp when they were
    written, which is no earlier than the paper's changed_at. After the pre-hook, the newest refreshed_at left can
    only drop below the changed_at of papers that have no rows left, so the SELECT picks up exactly the papers that
    need rows.

    `dbt build --full-refresh` rebuilds everything from scratch, as for any incremental model.
-#}

{#- The config of a per-paper model, and its dependency on int_paper_changes (read only by incremental builds). -#}
{% macro per_paper_incremental() %}
-- depends_on: {{ ref('int_paper_changes') }}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ delete_changed_papers() }}"
) }}
{% endmacro %}

{#- Subquery: the DOIs `this` model must recompute (changed since its newest row). -#}
{% macro changed_papers() -%}
    (
        select doi from {{ ref('int_paper_changes') }}
        where changed_at > (select coalesce(max(refreshed_at), '-infinity'::timestamptz) from {{ this }})
    )
{%- endmacro %}

{#- SQL condition for a per-paper model's inputs: true on a full build, else the paper is one to recompute. -#}
{% macro is_changed_paper(doi_column='doi') -%}
    {%- if is_incremental() -%} {{ doi_column }} in {{ changed_papers() }} {%- else -%} true {%- endif -%}
{%- endmacro %}

{#- Pre-hook of a per-paper model: drop the rows of the papers it is about to recompute. -#}
{% macro delete_changed_papers() -%}
    {%- if is_incremental() -%}
        {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
        {%- if 'refreshed_at' not in columns -%}
            {{ exceptions.raise_compiler_error(this ~ " was built by an older ptmreuse (no refreshed_at column): "
               ~ "rebuild it once with `ptmreuse build --full-refresh`.") }}
        {%- endif -%}
        delete from {{ this }} where doi in {{ changed_papers() }}
    {%- endif -%}
{%- endmacro %}

{#-
    The stamps. int_paper_changes stamps a change with the build's start, but never earlier than its newest stamp (a
    clock set back must not hide a change). A per-paper model stamps the rows it writes with the newest change stamp
    it has seen, so the comparison above never depends on the clock either.
-#}
{% macro change_stamp() -%}
    {%- set started = "cast('" ~ run_started_at.isoformat() ~ "' as timestamptz)" -%}
    {#- the old table too, not only in incremental builds: a --full-refresh of the change log alone stays monotonic -#}
    {%- if execute and load_relation(this) is not none -%}
        greatest({{ started }}, (select max(changed_at) + interval 1 microsecond from {{ this }}))
    {%- else -%}
        {{ started }}
    {%- endif -%}
{%- endmacro %}

{% macro refresh_stamp() -%}
    (select max(changed_at) from {{ ref('int_paper_changes') }})
{%- endmacro %}

{#-
    Everything besides a paper's own rows that shapes the per-paper models, as one hash: the vars, the selected
    classifier configuration, the reference seeds they join, and the code of the project's models. When any of it
    changes, every paper's fingerprint changes and the next build recomputes every paper.
-#}
{% macro paper_settings_fingerprint() -%}
    {%- set parts = [] -%}
    {%- for name in ['natural_science_rule', 'natural_science_requires_citations', 'counting_convention',
                     'year_min', 'year_max', 'classifier_run'] -%}
        {%- do parts.append(name ~ '=' ~ var(name, none)) -%}
    {%- endfor -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() | sort(attribute='unique_id') -%}
            {%- if node.resource_type == 'model' and node.package_name == project_name -%}
                {%- do parts.append(node.unique_id ~ ':' ~ node.checksum.checksum) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    md5(concat_ws('|',
        '{{ local_md5(parts | join("|")) }}',
        {{ selected_run_configuration() }},
        {%- for seed in ['openalex_fields', 'openalex_domains', 'natural_science_fields', 'publisher_subject_fields',
                         'ptm_aliases', 'ptm_catalogue'] %}
        (select md5(string_agg(cast(s as varchar), '|' order by cast(s as varchar))) from {{ ref(seed) }} as s)
        {{- ',' if not loop.last }}
        {%- endfor %}
    ))
{%- endmacro %}
