"""dlt source for JATS full-text corpora (a directory or a zip): raw.papers, raw.paper_sections, raw.ingest_rejects.

One pass over the files feeds all three tables: a hidden parent resource takes batches from a `CorpusReader`
(which reads each file once, skips bytes already loaded, and has the rest parsed on every core) and hands them to
three transformers. Re-ingesting an unchanged corpus therefore does almost no work.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dlt

from ingestion.jats.reader import Batch, CorpusReader, IngestStats, KnownState
from ingestion.jats.schema import (
    INGEST_REJECTS,
    PAPER_SECTIONS,
    PAPERS_COLUMNS,
    REJECTS_COLUMNS,
    SECTIONS_COLUMNS,
    papers_table,
)

__all__ = ["CorpusReader", "IngestStats", "KnownState", "jats_corpus"]

# Papers and sections are unique by key before they reach dlt (the reader refuses duplicate DOIs), so the merge
# can skip its own de-duplication: a window over full texts that costs much of the load's time and memory.
MERGE_DEDUPLICATED: Any = {"disposition": "merge", "strategy": "delete-insert", "deduplicated": True}


@dlt.source(name="jats", max_table_nesting=0)
def jats_corpus(path: Path | None = None, reader: CorpusReader | None = None, max_papers: int | None = None) -> Any:
    """Papers, their sections and the files that could not be ingested, from one JATS corpus.

    Give `path` for a whole corpus, or a `reader` (and `max_papers`) to load a large corpus chunk by chunk.
    Papers and sections are merged on DOI; a chunk whose papers are all new to the database is appended
    instead, which gives the same rows without the cost of a merge.
    """
    if reader is None:
        if path is None:
            raise ValueError("jats_corpus needs a corpus path or a CorpusReader")
        reader = CorpusReader.for_path(Path(path))
    mode = reader.next_mode()
    paper_disposition = MERGE_DEDUPLICATED if mode == "merge" else "append"

    @dlt.resource(selected=False)
    def parsed_files() -> Iterator[Batch]:
        yield from reader.batches(max_papers, mode)

    @dlt.transformer(
        data_from=parsed_files, write_disposition=paper_disposition, primary_key="doi", columns=PAPERS_COLUMNS
    )
    def papers(batch: Batch) -> Iterator[Any]:
        if batch.papers:
            yield papers_table(batch.papers)

    # merge_key=doi: a changed article replaces all of its sections, including ones that no longer exist.
    @dlt.transformer(
        data_from=parsed_files,
        name="paper_sections",
        write_disposition=paper_disposition,
        primary_key=("doi", "ordinal"),
        merge_key="doi",
        columns=SECTIONS_COLUMNS,
    )
    def paper_sections(batch: Batch) -> Iterator[Any]:
        if batch.sections:
            yield PAPER_SECTIONS.to_arrow(batch.sections)

    @dlt.transformer(
        data_from=parsed_files,
        name="ingest_rejects",
        write_disposition="merge",
        primary_key=("source_file", "content_hash"),
        columns=REJECTS_COLUMNS,
    )
    def ingest_rejects(batch: Batch) -> Iterator[Any]:
        # Yielded even when empty, so the table (and the staging model on it) exists for a clean corpus.
        yield INGEST_REJECTS.to_arrow(batch.rejects)

    return papers, paper_sections, ingest_rejects
