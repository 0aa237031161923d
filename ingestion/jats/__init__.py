"""dlt source for JATS full-text corpora: papers, their sections and the files that could not be ingested.

One pass over the files feeds all three tables: a hidden parent resource takes batches from a `CorpusReader`
(which reads each file once, skips bytes already loaded, and has the rest parsed on every core) and hands them to
three transformers. Re-ingesting an unchanged corpus therefore does almost no work. The source is loaded one
chunk at a time into a landing dataset and published to `raw` from there (ingestion/jats/landing.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dlt

from ingestion.jats.reader import Batch, CorpusReader, IngestStats, KnownState
from ingestion.jats.schema import INGEST_REJECTS, PAPER_SECTIONS, papers_table

__all__ = ["CorpusReader", "IngestStats", "KnownState", "jats_corpus"]


@dlt.source(name="jats", max_table_nesting=0)
def jats_corpus(reader: CorpusReader, max_papers: int | None = None, max_text: int | None = None) -> Any:
    """The next chunk of `reader`: at most `max_papers` papers and `max_text` characters of text.

    Appended to the landing tables, which are empty when a chunk starts (the previous chunk was published).
    """

    @dlt.resource(selected=False)
    def parsed_files() -> Iterator[Batch]:
        yield from reader.batches(max_papers, max_text)

    @dlt.transformer(data_from=parsed_files, write_disposition="append")
    def papers(batch: Batch) -> Iterator[Any]:
        if batch.papers:
            yield papers_table(batch.papers)

    @dlt.transformer(data_from=parsed_files, name="paper_sections", write_disposition="append")
    def paper_sections(batch: Batch) -> Iterator[Any]:
        if batch.sections:
            yield PAPER_SECTIONS.to_arrow(batch.sections)

    @dlt.transformer(data_from=parsed_files, name="ingest_rejects", write_disposition="append")
    def ingest_rejects(batch: Batch) -> Iterator[Any]:
        if batch.rejects:
            yield INGEST_REJECTS.to_arrow(batch.rejects)

    return papers, paper_sections, ingest_rejects
