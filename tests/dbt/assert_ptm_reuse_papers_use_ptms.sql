{#- Every PTM reuse row belongs to a paper of marts.papers that was analysed and says uses_ptms (and uses_dl). -#}

select ptm_reuse.doi, ptm_reuse.canonical_name, papers.uses_dl, papers.uses_ptms, papers.label_status
from {{ ref('ptm_reuse') }} as ptm_reuse
left join {{ ref('papers') }} as papers on ptm_reuse.doi = papers.doi
where papers.doi is null
    or not coalesce(papers.uses_ptms, false)
    or not coalesce(papers.uses_dl, false)
    or papers.label_status <> 'labelled'
