{#- The codebook's implication, checked on the marts: a paper that reuses a PTM uses deep learning. -#}

select doi, uses_dl, uses_ptms, decided_by
from {{ ref('papers') }}
where uses_ptms and not coalesce(uses_dl, false)
