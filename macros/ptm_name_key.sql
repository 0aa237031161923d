{#-
    The key PTM names are matched on (seed ptm_aliases ↔ names the classifiers wrote), the same on both sides:
    lower case, accents stripped, parenthesised qualifiers dropped ("ResNet50 (ImageNet)" → "resnet50"), "+" spelled
    out so U-Net++ stays apart from U-Net, then every character that is not a letter or digit removed, so
    "ResNet-50", "resnet50" and "ResNet 50" share one key, as do "Inception-v3" and "InceptionV3". A name that is
    all parentheses keeps its inside.
-#}
{% macro ptm_name_key(expr) -%}
    coalesce(
        nullif({{ _ptm_key_chars("regexp_replace(lower(strip_accents(trim(" ~ expr ~ "))), '\\s*[\\(\\[][^\\)\\]]*[\\)\\]]', '', 'g')") }}, ''),
        {{ _ptm_key_chars("lower(strip_accents(trim(" ~ expr ~ ")))") }}
    )
{%- endmacro %}

{% macro _ptm_key_chars(expr) -%}
    regexp_replace(replace({{ expr }}, '+', 'plus'), '[^\p{L}\p{N}]', '', 'g')
{%- endmacro %}

{#- A raw PTM name made presentable: whitespace collapsed, trailing punctuation trimmed. -#}
{% macro ptm_clean_name(expr) -%}
    trim(regexp_replace(regexp_replace(trim({{ expr }}), '\s+', ' ', 'g'), '[\s\.,;:]+$', ''))
{%- endmacro %}

{#-
    The lookup from a name's key to its canonical name, over both sides of the seed ptm_aliases (one canonical per
    key: the seed is checked for clashes). int_paper_ptms and int_gold_ptm_names both use it, so predicted and gold
    names are canonicalised by one rule; each model still refs the seed itself, which its unit tests mock.
-#}
{% macro ptm_canonical_by_key() -%}
    select name_key, min(canonical_name) as canonical_name
    from (
        select {{ ptm_name_key('alias') }} as name_key, canonical_name
        from {{ ref('ptm_aliases') }}
        union
        select {{ ptm_name_key('canonical_name') }} as name_key, canonical_name
        from {{ ref('ptm_aliases') }}
    ) as alias_keys
    where name_key <> ''
    group by name_key
{%- endmacro %}
