"""raw.search_hits and raw.search_pages: their dlt hints, and how a complete query becomes rows.

The columns are declared in models/staging/__sources.yml (warehouse.raw_schema).
"""

from __future__ import annotations

import json
from typing import Any

from ingestion.search.queries import QueryResult
from warehouse.raw_schema import raw_table

SEARCH_HITS = raw_table("search_hits")
SEARCH_PAGES = raw_table("search_pages")

_KEY = ("source", "keyword", "year")
HITS_HINTS: dict[str, Any] = {
    "primary_key": (*_KEY, "doi"),
    "merge_key": _KEY,  # a re-run of a query replaces all of its hits, including ones that disappeared
    "columns": SEARCH_HITS.dlt_columns(),
}
PAGES_HINTS: dict[str, Any] = {
    "primary_key": (*_KEY, "page"),
    "merge_key": _KEY,
    "columns": SEARCH_PAGES.dlt_columns(),
}


def hit_rows(result: QueryResult) -> list[dict[str, Any]]:
    """One row per distinct DOI of a query (first occurrence wins: its page and rank)."""
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    rank = 0
    q = result.query
    for page in result.pages:
        for hit in page.hits:
            rank += 1
            if hit.doi in seen:
                continue
            seen.add(hit.doi)
            rows.append(
                {
                    "source": q.source,
                    "keyword": q.keyword,
                    "year": q.year,
                    "doi": hit.doi,
                    "title": hit.title,
                    "journal": hit.journal,
                    "pmcid": hit.pmcid,
                    "is_open_access": hit.is_open_access,
                    "page": page.number,
                    "rank": rank,
                    "query_url": page.url,
                    "raw_record": json.dumps(hit.record, ensure_ascii=False),
                    "retrieved_at": result.retrieved_at,
                }
            )
    return rows


def page_rows(result: QueryResult) -> list[dict[str, Any]]:
    q = result.query
    return [
        {
            "source": q.source,
            "keyword": q.keyword,
            "year": q.year,
            "page": page.number,
            "query_url": page.url,
            "num_found": page.num_found,
            "hit_count": len(page.hits),
            "skipped_without_doi": skipped,
            "raw_response": json.dumps(page.response, ensure_ascii=False),
            "retrieved_at": result.retrieved_at,
        }
        for page, skipped in zip(result.pages, result.skipped_per_page, strict=True)
    ]
