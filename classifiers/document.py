"""The paper as a classifier sees it: metadata plus ordered sections, read from the raw tables.

This is the only place classifiers read papers from, so every backend (rules, LLM) works on the same text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import duckdb


@dataclass(frozen=True, slots=True)
class Section:
    ordinal: int
    heading: str | None
    section_type: str  # introduction | methods | results | discussion | conclusion | other
    kind: str  # section | figure_caption | table_caption
    text: str


@dataclass(frozen=True, slots=True)
class PaperDocument:
    doi: str
    title: str | None
    abstract: str | None
    content_hash: str
    sections: tuple[Section, ...] = field(default_factory=tuple)

    @property
    def body_text(self) -> str:
        """The body as the original study showed it to its LLM: no title, abstract or references."""
        return "\n\n".join(s.text for s in self.sections if s.text)

    @property
    def text_hash(self) -> str:
        """Hash of the text classifiers read (title, abstract, sections): a new parser changes it, the file's
        `content_hash` does not. Computed for every cache key, so fed part by part (a JSON dump cost four times as
        much); each part is length-prefixed, so no two texts hash alike by moving a boundary."""
        digest = hashlib.sha256()
        fields = ((str(s.ordinal), s.heading, s.section_type, s.kind, s.text) for s in self.sections)
        parts = (self.title, self.abstract, *(part for section in fields for part in section))
        for part in parts:
            data = None if part is None else part.encode()
            digest.update(b"-" if data is None else b"+%d:" % len(data) + data)
        return digest.hexdigest()


_PAPERS_SQL = """
    select doi, title, abstract, content_hash
    from raw.papers
    {where}
    order by doi
"""
_SECTIONS_SQL = """
    select doi, ordinal, heading, section_type, kind, text
    from raw.paper_sections
    where doi in (select unnest(?::varchar[]))
    order by doi, ordinal
"""


def paper_batches(
    con: duckdb.DuckDBPyConnection, dois: list[str] | None = None, batch_size: int = 200
) -> Iterator[list[PaperDocument]]:
    """Papers (with their sections) in DOI order, `batch_size` at a time so memory stays flat."""
    where = "where doi in (select unnest(?::varchar[]))" if dois is not None else ""
    params = [dois] if dois is not None else []
    papers = con.execute(_PAPERS_SQL.format(where=where), params).fetchall()
    for start in range(0, len(papers), batch_size):
        batch = papers[start : start + batch_size]
        by_doi: dict[str, list[Section]] = {row[0]: [] for row in batch}
        for doi, ordinal, heading, section_type, kind, text in con.execute(_SECTIONS_SQL, [list(by_doi)]).fetchall():
            by_doi[doi].append(Section(ordinal, heading, section_type, kind, text))
        yield [
            PaperDocument(doi, title, abstract, content_hash, tuple(by_doi[doi]))
            for doi, title, abstract, content_hash in batch
        ]
