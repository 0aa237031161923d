"""dlt source for JATS full-text corpora (a directory or a zip): raw.papers, raw.paper_sections, raw.ingest_rejects.

One pass over the files feeds all three tables: a hidden parent resource reads and parses each file once and
hands batches to three transformers. Files whose bytes are already loaded (same content hash, same parser
version) are skipped before parsing, so re-ingesting a corpus does almost no work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dlt

from ingestion.jats.files import DEFAULT_MAX_FILE_BYTES, SourceFile, UnreadableFile, iter_corpus
from ingestion.jats.parse import PARSER_VERSION, ParsedArticle, RejectedArticle, parse_article
from ingestion.jats.schema import (
    INGEST_REJECTS,
    PAPER_SECTIONS,
    PAPERS,
    PAPERS_COLUMNS,
    REJECTS_COLUMNS,
    SECTIONS_COLUMNS,
    to_table,
)

BATCH_SIZE = 250


@dataclass(slots=True)
class KnownState:
    """What the database already holds, read once before a run."""

    paper_hashes: dict[str, str] = field(default_factory=dict)  # content_hash -> doi (current parser version)
    reject_hashes: set[str] = field(default_factory=set)  # content hashes already refused (current parser)
    dois: set[str] = field(default_factory=set)  # every DOI in raw.papers


@dataclass(slots=True)
class IngestStats:
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejects_by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def seen(self) -> int:
        return self.loaded + self.updated + self.unchanged + self.rejected


@dataclass(slots=True)
class _Batch:
    papers: list[dict[str, Any]] = field(default_factory=list)
    sections: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.papers) + len(self.rejects)


@dlt.source(name="jats", max_table_nesting=0)
def jats_corpus(
    path: Path,
    known: KnownState | None = None,
    stats: IngestStats | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    on_file: Callable[[], None] | None = None,
) -> Any:
    """Papers, their sections and the files that could not be ingested, from one JATS corpus."""
    known = known or KnownState()
    stats = stats if stats is not None else IngestStats()
    corpus = Path(path).name
    ingested_at = datetime.now(UTC)

    def reject(batch: _Batch, name: str, content_hash: str | None, reason: str, error: str, doi: str | None) -> None:
        stats.rejected += 1
        stats.rejects_by_reason[reason] = stats.rejects_by_reason.get(reason, 0) + 1
        batch.rejects.append(
            {
                "source_file": name,
                "content_hash": content_hash or "",
                "corpus": corpus,
                "reason": reason,
                "error": error[:2000],
                "doi": doi,
                "parser_version": PARSER_VERSION,
                "ingested_at": ingested_at,
            }
        )

    @dlt.resource(selected=False)
    def parsed_files() -> Iterator[_Batch]:
        kept_in_run: dict[str, str] = {}  # doi -> source file, to refuse duplicate DOIs within one corpus
        batch = _Batch()
        for item in iter_corpus(Path(path), max_file_bytes):
            if on_file:
                on_file()
            if isinstance(item, UnreadableFile):
                reject(batch, item.name, item.content_hash, item.reason, item.detail, None)
            else:
                _handle(item, batch, kept_in_run)
            if len(batch) >= BATCH_SIZE:
                yield batch
                batch = _Batch()
        if len(batch):
            yield batch

    def _handle(item: SourceFile, batch: _Batch, kept_in_run: dict[str, str]) -> None:
        if item.content_hash in known.paper_hashes:
            stats.unchanged += 1
            kept_in_run.setdefault(known.paper_hashes[item.content_hash], item.name)
            return
        if item.content_hash in known.reject_hashes:
            stats.unchanged += 1
            return
        try:
            article: ParsedArticle = parse_article(item.data, item.name, item.content_hash)
        except RejectedArticle as refused:
            reject(batch, item.name, item.content_hash, refused.reason, refused.detail, None)
            return
        doi = article.paper["doi"]
        if doi in kept_in_run:
            detail = f"DOI {doi} is already ingested from {kept_in_run[doi]} in this corpus; kept that one"
            reject(batch, item.name, item.content_hash, "duplicate_doi", detail, doi)
            return
        kept_in_run[doi] = item.name
        if doi in known.dois:
            stats.updated += 1
        else:
            stats.loaded += 1
        batch.papers.append({**article.paper, "corpus": corpus, "ingested_at": ingested_at})
        batch.sections.extend({**row, "ingested_at": ingested_at} for row in article.sections)

    @dlt.transformer(data_from=parsed_files, write_disposition="merge", primary_key="doi", columns=PAPERS_COLUMNS)
    def papers(batch: _Batch) -> Iterator[Any]:
        if batch.papers:
            yield to_table(batch.papers, PAPERS)

    # merge_key=doi: a changed article replaces all of its sections, including ones that no longer exist.
    @dlt.transformer(
        data_from=parsed_files,
        name="paper_sections",
        write_disposition="merge",
        primary_key=("doi", "ordinal"),
        merge_key="doi",
        columns=SECTIONS_COLUMNS,
    )
    def paper_sections(batch: _Batch) -> Iterator[Any]:
        if batch.sections:
            yield to_table(batch.sections, PAPER_SECTIONS)

    @dlt.transformer(
        data_from=parsed_files,
        name="ingest_rejects",
        write_disposition="merge",
        primary_key=("source_file", "content_hash"),
        columns=REJECTS_COLUMNS,
    )
    def ingest_rejects(batch: _Batch) -> Iterator[Any]:
        # Yielded even when empty, so the table (and the staging model on it) exists for a clean corpus.
        yield to_table(batch.rejects, INGEST_REJECTS)

    return papers, paper_sections, ingest_rejects
