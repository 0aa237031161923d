"""Real papers for the rules/prefilter/passages tests: the bundled JATS zip and the gold reference labels.

A helper module (not a conftest), so it cannot clash with fixtures other test modules in this folder define.
"""

from __future__ import annotations

import csv
import zipfile
from functools import cache

from classifiers.document import PaperDocument
from evaluation.documents import document_from_jats
from warehouse.paths import PROJECT_DIR, SAMPLE_CORPUS

SEEDS = PROJECT_DIR / "seeds"


@cache
def corpus_document(member: str) -> PaperDocument:
    with zipfile.ZipFile(SAMPLE_CORPUS) as archive:
        return document_from_jats(archive.read(member), member)


@cache
def gold_papers() -> tuple[dict[str, str], ...]:
    with (SEEDS / "gold_reference_papers.csv").open(newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


@cache
def gold_ptms() -> tuple[dict[str, str], ...]:
    with (SEEDS / "gold_reference_ptms.csv").open(newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def gold_documents() -> list[tuple[dict[str, str], PaperDocument]]:
    return [(row, corpus_document(row["corpus_file"])) for row in gold_papers()]
