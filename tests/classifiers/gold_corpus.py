"""Real papers for the rules/prefilter/passages tests: the bundled JATS zip and the tuning set of the reference labels.

Only the tuning set (evaluation/split.py): no floor or fixture may be derived from the frozen test set.
A helper module (not a conftest), so it cannot clash with fixtures other test modules in this folder define.
"""

from __future__ import annotations

import zipfile
from functools import cache

from classifiers.document import PaperDocument
from evaluation.documents import document_from_jats
from evaluation.gold import GoldPaper, reference_sets
from warehouse.paths import SAMPLE_CORPUS


@cache
def corpus_document(member: str) -> PaperDocument:
    with zipfile.ZipFile(SAMPLE_CORPUS) as archive:
        return document_from_jats(archive.read(member), member)


def gold_documents() -> list[tuple[GoldPaper, PaperDocument]]:
    """The reference tuning set's papers with their documents, in DOI order."""
    tuning = next(gold for gold in reference_sets() if gold.subset == "tuning")
    return [(paper, corpus_document(paper.corpus_file or "")) for _, paper in sorted(tuning.papers.items())]
