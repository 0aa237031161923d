"""The reference set's one split: a tuning set the project may look at, and a frozen test set nothing may come from.

The rule, fixed once (issue 13) and never re-drawn:

1. Order the reference DOIs by sha256("ptmreuse-rules-split-v1:" + doi). The first half (56 of 112) is where the
   rules baseline was developed: tuning papers.
2. The second half was meant to be held out, but some of its papers were already named by code, seeds or tests
   before this split (`NAMED_BEFORE_SPLIT`, with where). A paper the project has looked at cannot test it: those
   are tuning papers too.
3. The rest (40 papers) is the frozen test set. From now on nothing may be derived from it — no catalogue entry,
   alias, vocabulary word, threshold or test fixture; `tests/evaluation/test_leaks.py` checks that no frozen paper is
   named outside the evaluation and that no new catalogue, alias or vocabulary entry matches its gold PTM names.

The catalogue and aliases were written after all 112 papers' model names had been seen, so the frozen set starts
contaminated there; the evaluation prints the share of its gold PTM names the catalogue already knows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Literal

Half = Literal["tuning", "frozen"]
ProjectHalf = Literal["dev", "check"]
TUNING: Half = "tuning"
FROZEN: Half = "frozen"
SPLIT_SALT = "ptmreuse-rules-split-v1:"

# Papers of the second half that the code base named before the split (by DOI or corpus file), and where.
NAMED_BEFORE_SPLIT: dict[str, str] = {
    "10.1002/glia.70180": "tests/classifiers/test_rules.py",
    "10.1002/pro.70647": "tests/classifiers/test_rules.py, test_passages.py",
    "10.1002/rcm.70074": "tests/ingestion/test_fulltext.py, test_search.py, tests/fixtures/recorded/",
    "10.1093/bioinformatics/btac703": "tests/support/labelled_warehouse.py, llm_warehouse.py",
    "10.1093/bioinformatics/btac773": "tests/support/labelled_warehouse.py, llm_warehouse.py, tests/report/",
    "10.1093/gigascience/giad008": "tests/support/labelled_warehouse.py",
    "10.1093/nar/gkae397": "tests/support/llm_warehouse.py",
    "10.1101/2020.04.07.030213": "tests/ingestion/test_jats_parse.py, test_jats_ingest.py, tests/test_dbt_build.py",
    "10.1111/ahe.70140": "tests/support/labelled_warehouse.py",
    "10.1371/journal.pcbi.1007973": "tests/test_marts.py, tests/report/",
    "10.1371/journal.pntd.0010937": "seeds/ATTRIBUTION.md, tests/support/labelled_warehouse.py",
    "10.1371/journal.pone.0255674": "tests/test_incremental_papers.py",
    "10.3389/fninf.2021.679838": "tests/test_incremental_papers.py",
    "10.3389/fpls.2023.1112973": "tests/ingestion/test_jats_parse.py, test_jats_ingest.py, tests/test_dbt_build.py",
    "10.7554/elife.42288": "tests/test_marts.py, tests/test_incremental_papers.py, tests/report/",
    "10.7554/elife.47994": "tests/test_marts.py",
}


def _order_key(doi: str) -> str:
    return hashlib.sha256((SPLIT_SALT + doi).encode()).hexdigest()


def split_reference(dois: Iterable[str]) -> dict[str, Half]:
    """doi → tuning | frozen for the reference set's DOIs (normalised, lower case)."""
    ordered = sorted(set(dois), key=_order_key)
    development = set(ordered[: len(ordered) // 2])
    return {doi: TUNING if doi in development or doi in NAMED_BEFORE_SPLIT else FROZEN for doi in ordered}


# The project's own labelled papers (seeds/gold_project_*) come in batches, each split once by its own salt into papers
# the rules are developed looking at (`dev`) and papers only ever scored (`check`): ordered by sha256(salt + doi), the
# first `dev` of them. Batch 1 (60 papers, 2026-12-02): 40 dev, 20 check. Batches 2, 3 and 4 (48 papers each,
# 2026-12-03): 32 dev, 16 check. A new batch gets its own salt, so adding papers never moves a paper of an earlier one.
PROJECT_BATCHES: dict[int, tuple[str, int]] = {
    1: ("ptmreuse-project-split-v1:", 40),
    2: ("ptmreuse-project-split-batch2:", 32),
    3: ("ptmreuse-project-split-batch3:", 32),
    4: ("ptmreuse-project-split-batch4:", 32),
}


def split_project(batch_of: Mapping[str, int]) -> dict[str, ProjectHalf]:
    """doi → dev | check for the project's labelled papers, given each paper's batch."""
    halves: dict[str, ProjectHalf] = {}
    for batch, (salt, dev) in PROJECT_BATCHES.items():
        dois = sorted((doi for doi, b in batch_of.items() if b == batch), key=lambda d: _salted(salt, d))
        halves.update({doi: "dev" if index < dev else "check" for index, doi in enumerate(dois)})
    unknown = set(batch_of) - set(halves)
    if unknown:
        raise ValueError(f"project papers of an unknown batch (add it to PROJECT_BATCHES): {sorted(unknown)[:3]}")
    return halves


def _salted(salt: str, doi: str) -> str:
    return hashlib.sha256((salt + doi).encode()).hexdigest()
