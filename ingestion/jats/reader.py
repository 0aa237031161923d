"""One pass over a JATS corpus: read, skip what is already loaded, parse, refuse duplicates — in batches.

The reader is resumable: `batches(max_papers, max_text)` stops after that many papers or that much text, and the
next call goes on from the same file, so the pipeline can load a large corpus in chunks (memory bounded by the
chunk, not the corpus).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ingestion.jats.files import SourceFile, UnreadableFile
from ingestion.jats.parse import PARSER_VERSION, ParsedArticle, RejectedArticle
from ingestion.jats.workers import Outcome

BATCH_SIZE = 50


@dataclass(slots=True)
class KnownState:
    """What the database already holds, read once before a run."""

    paper_hashes: dict[str, str] = field(default_factory=dict)  # content_hash -> doi (current parser version)
    reject_hashes: set[str] = field(default_factory=set)  # content hashes already refused (current parser)
    dois: set[str] = field(default_factory=set)  # every DOI in raw.papers or raw.paper_sections

    def skip_hashes(self) -> frozenset[str]:
        """Bytes that need no parsing: already loaded, or already refused by this parser version."""
        return frozenset(self.paper_hashes) | frozenset(self.reject_hashes)


@dataclass(slots=True)
class IngestStats:
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejects_by_reason: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)  # entries that are not JATS files, by reason
    notes: list[str] = field(default_factory=list)  # what was repaired before loading, one line each


@dataclass(slots=True)
class Batch:
    papers: list[dict[str, Any]] = field(default_factory=list)
    sections: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.papers) + len(self.rejects)


class CorpusReader:
    """Turns a pool's outcomes into row batches: counts, refusals, duplicate DOIs, provenance columns."""

    def __init__(
        self,
        corpus_name: str,
        outcomes: Iterator[Outcome],
        known: KnownState | None = None,
        stats: IngestStats | None = None,
        on_file: Callable[[], None] | None = None,
    ) -> None:
        self.known = known or KnownState()
        self.stats = stats if stats is not None else IngestStats()
        self.corpus = corpus_name
        self.on_file = on_file
        self.ingested_at = datetime.now(UTC)
        self.exhausted = False
        self._kept: dict[str, str] = {}  # doi -> source file, to refuse duplicate DOIs within one corpus
        self._text = 0  # characters of text kept since the current chunk began
        self._outcomes = outcomes

    def batches(self, max_papers: int | None = None, max_text: int | None = None) -> Iterator[Batch]:
        """Batches of rows until the corpus ends, or `max_papers` papers or `max_text` characters of text (papers
        and sections together) were kept in this call."""
        kept_before = self.stats.loaded + self.stats.updated
        self._text = 0
        batch = Batch()
        while (outcome := next(self._outcomes, None)) is not None:
            if self.on_file:
                self.on_file()
            self._take(*outcome, batch)
            if len(batch) >= BATCH_SIZE:
                yield batch
                batch = Batch()
            if max_papers and self.stats.loaded + self.stats.updated - kept_before >= max_papers:
                break
            if max_text and self._text >= max_text:
                break
        else:
            self.exhausted = True
        if len(batch):
            yield batch

    def _take(
        self, item: SourceFile | UnreadableFile, parsed: ParsedArticle | RejectedArticle | None, batch: Batch
    ) -> None:
        if isinstance(item, UnreadableFile):
            self._reject(batch, item.name, item.content_hash, item.reason, item.detail)
        elif parsed is None:
            self.stats.unchanged += 1
            if item.content_hash in self.known.paper_hashes:
                self._kept.setdefault(self.known.paper_hashes[item.content_hash], item.name)
        elif isinstance(parsed, RejectedArticle):
            self._reject(batch, item.name, item.content_hash, parsed.reason, parsed.detail)
        else:
            self._keep(item, parsed, batch)

    def _keep(self, item: SourceFile, article: ParsedArticle, batch: Batch) -> None:
        doi = article.paper["doi"]
        if doi in self._kept:
            detail = f"DOI {doi} is already ingested from {self._kept[doi]} in this corpus; kept that one"
            self._reject(batch, item.name, item.content_hash, "duplicate_doi", detail, doi)
            return
        self._kept[doi] = item.name
        if doi in self.known.dois:
            self.stats.updated += 1
        else:
            self.stats.loaded += 1
        batch.papers.append({**article.paper, "corpus": self.corpus, "ingested_at": self.ingested_at})
        batch.sections.extend({**row, "ingested_at": self.ingested_at} for row in article.sections)
        self._text += article.paper["char_count"] + sum(row["char_count"] for row in article.sections)

    def _reject(
        self, batch: Batch, name: str, content_hash: str | None, reason: str, error: str, doi: str | None = None
    ) -> None:
        self.stats.rejected += 1
        self.stats.rejects_by_reason[reason] = self.stats.rejects_by_reason.get(reason, 0) + 1
        batch.rejects.append(
            {
                "source_file": name,
                "content_hash": content_hash or "",
                "corpus": self.corpus,
                "reason": reason,
                "error": error[:2000],
                "doi": doi,
                "parser_version": PARSER_VERSION,
                "ingested_at": self.ingested_at,
            }
        )
