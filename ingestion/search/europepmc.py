"""Europe PMC search (REST, `resultType=lite`), cursorMark paging: the end is the cursor echoed back."""

from __future__ import annotations

from collections.abc import Iterator

from ingestion.identifiers import normalize_doi, normalize_pmcid
from ingestion.search.queries import Hit, Page, Query
from ingestion.web import PoliteClient
from ingestion.web.paging import CursorPaginator

DEFAULT_FILTER = "OPEN_ACCESS:y"  # only open-access articles have fetchable full text
MAX_PAGES = 10_000


def query_string(query: Query, extra_filter: str | None = DEFAULT_FILTER) -> str:
    parts = [query.keyword, f"PUB_YEAR:{query.year}"]
    if extra_filter:
        parts.append(extra_filter)
    return " AND ".join(parts)


def _hit(record: dict) -> Hit | None:
    doi = normalize_doi(record.get("doi"))
    if doi is None:
        return None
    flag = record.get("isOpenAccess")
    return Hit(
        doi=doi,
        title=record.get("title"),
        journal=record.get("journalTitle"),
        pmcid=normalize_pmcid(record.get("pmcid")),
        is_open_access=None if flag is None else flag == "Y",
        record=record,
    )


def search_pages(
    client: PoliteClient, query: Query, page_size: int = 1000, extra_filter: str | None = DEFAULT_FILTER
) -> Iterator[tuple[Page, int]]:
    """Every page of `query` as (page, records without a DOI); IncompleteResults on a cursor loop or a short read."""
    paginator = CursorPaginator("Europe PMC", "nextCursorMark", "cursorMark", "hitCount", MAX_PAGES)
    params = {"query": query_string(query, extra_filter), "format": "json", "resultType": "lite", "pageSize": page_size}
    for number, page in enumerate(client.pages("/search", params, paginator, items_at="resultList.result"), start=1):
        hits = [hit for hit in map(_hit, page.items) if hit is not None]
        yield Page(number, page.url, paginator.count, hits, page.body), len(page.items) - len(hits)
