"""Real papers for the rules/prefilter/passages tests: the bundled JATS zip and the gold reference labels.

A helper module (not a conftest), so it cannot clash with fixtures other test modules in this folder define.
"""

from __future__ import annotations

import csv
import hashlib
import zipfile
from functools import cache

from classifiers.document import PaperDocument, Section
from ingestion.jats.parse import parse_article
from ptmreuse.settings import PROJECT_DIR, SAMPLE_CORPUS

SEEDS = PROJECT_DIR / "seeds"


def document_from_jats(data: bytes, source_file: str) -> PaperDocument:
    """Parse one JATS file the way ingestion does and shape it as the classifiers see it."""
    content_hash = hashlib.sha256(data).hexdigest()
    parsed = parse_article(data, source_file, content_hash)
    sections = tuple(
        Section(row["ordinal"], row["heading"], row["section_type"], row["kind"], row["text"])
        for row in parsed.sections
    )
    paper = parsed.paper
    return PaperDocument(paper["doi"], paper["title"], paper["abstract"], content_hash, sections)


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
