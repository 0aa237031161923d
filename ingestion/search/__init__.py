"""dlt source for the candidate search (the study's step 1): raw.search_hits and raw.search_pages.

The fetching happens before dlt sees anything: the source receives complete queries only (every page fetched to
the end), so a query that fails half-way writes nothing and a re-run does it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import dlt

from ingestion.search.queries import QueryResult
from ingestion.search.schema import HITS_HINTS, PAGES_HINTS, SEARCH_HITS, SEARCH_PAGES, hit_rows, page_rows


@dlt.source(name="search", max_table_nesting=0)
def search_results(results: Iterable[QueryResult]) -> Any:
    """Hits and pages of complete queries; an empty iterable still creates both tables."""

    @dlt.resource(selected=False)
    def completed() -> Iterator[list[QueryResult]]:
        # Always one (possibly empty) batch, so both tables exist even when nothing was found.
        yield list(results)

    @dlt.transformer(data_from=completed, name="search_hits", write_disposition="merge", **HITS_HINTS)
    def search_hits(batch: list[QueryResult]) -> Iterator[Any]:
        yield SEARCH_HITS.to_arrow([row for result in batch for row in hit_rows(result)])

    @dlt.transformer(data_from=completed, name="search_pages", write_disposition="merge", **PAGES_HINTS)
    def search_pages(batch: list[QueryResult]) -> Iterator[Any]:
        yield SEARCH_PAGES.to_arrow([row for result in batch for row in page_rows(result)])

    return search_hits, search_pages
