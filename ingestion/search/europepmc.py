"""Europe PMC search (REST, `resultType=lite`), cursorMark paging: the end is the cursor echoed back."""

from __future__ import annotations

from collections.abc import Iterator

from ingestion.identifiers import normalize_doi, normalize_pmcid
from ingestion.search.queries import Hit, Page, Query
from ingestion.web import PoliteClient
from ingestion.web.client import IncompleteResults

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
    """Every page of `query` as (page, records without a DOI); raises IncompleteResults on a cursor loop."""
    cursor, seen, fetched = "*", set(), 0
    for number in range(1, MAX_PAGES + 1):
        params = {
            "query": query_string(query, extra_filter),
            "format": "json",
            "resultType": "lite",
            "pageSize": page_size,
            "cursorMark": cursor,
        }
        body = client.get_json("/search", params)
        results = body.get("resultList", {}).get("result") if isinstance(body, dict) else None
        if not isinstance(results, list):
            raise IncompleteResults(f"Europe PMC answered without `resultList.result` on page {number}")
        hit_count = int(body.get("hitCount", 0))
        hits = [hit for hit in map(_hit, results) if hit is not None]
        fetched += len(results)
        url = client.url_for("/search", params)
        yield Page(number, url, hit_count, hits, body), len(results) - len(hits)
        seen.add(cursor)
        next_cursor = body.get("nextCursorMark")
        if not results or not next_cursor or next_cursor == cursor:
            if fetched < hit_count:
                raise IncompleteResults(f"Europe PMC stopped after {fetched} of {hit_count} records")
            return
        if next_cursor in seen:
            raise IncompleteResults(f"Europe PMC sent an earlier cursor again after {fetched} records (a loop)")
        cursor = next_cursor
    raise IncompleteResults(f"more than {MAX_PAGES} pages for one query; narrow the query")
