"""A JATS file as the classifiers see it, without a warehouse: for benchmarks, tests and one-off checks.

It joins the ingestion's parser and the classifiers' document, so it lives above both.
"""

from __future__ import annotations

import hashlib

from classifiers.document import PaperDocument, Section
from ingestion.jats.parse import parse_article


def document_from_jats(data: bytes, source_file: str) -> PaperDocument:
    """Parse one JATS file the way ingestion does and return the paper as classifiers read it from raw tables."""
    content_hash = hashlib.sha256(data).hexdigest()
    parsed = parse_article(data, source_file, content_hash)
    sections = tuple(
        Section(r["ordinal"], r["heading"], r["section_type"], r["kind"], r["text"]) for r in parsed.sections
    )
    paper = parsed.paper
    return PaperDocument(paper["doi"], paper["title"], paper["abstract"], content_hash, sections)
