{#-
    One canonicalisation: a name key that a gold name and a classifier's mention share gets the same canonical
    name and catalogue flag on both sides (int_gold_ptm_names repeats int_paper_ptms's alias lookup; this keeps the
    two from drifting apart). Uncatalogued names are compared by key, so their spelling may differ.
-#}

select gold.ptm_name, gold.canonical_name as gold_canonical, mentions.canonical_name as mention_canonical
from {{ ref('int_gold_ptm_names') }} as gold
inner join {{ ref('int_paper_ptms') }} as mentions on gold.name_key = mentions.name_key
where
    gold.is_catalogued is distinct from mentions.is_catalogued
    or (gold.is_catalogued and gold.canonical_name <> mentions.canonical_name)
