"""Arrow schemas of raw.search_hits and raw.search_pages (the contract the staging models read)."""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from ingestion.search.queries import QueryResult

_TS = pa.timestamp("us", tz="UTC")

SEARCH_HITS = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("keyword", pa.string(), nullable=False),
        pa.field("year", pa.int32(), nullable=False),
        pa.field("doi", pa.string(), nullable=False),
        ("title", pa.string()),
        ("journal", pa.string()),
        ("pmcid", pa.string()),
        ("is_open_access", pa.bool_()),
        ("page", pa.int32()),
        ("rank", pa.int32()),
        ("query_url", pa.string()),
        ("raw_record", pa.string()),
        ("retrieved_at", _TS),
    ]
)

SEARCH_PAGES = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("keyword", pa.string(), nullable=False),
        pa.field("year", pa.int32(), nullable=False),
        pa.field("page", pa.int32(), nullable=False),
        ("query_url", pa.string()),
        ("num_found", pa.int64()),
        ("hit_count", pa.int32()),
        ("skipped_without_doi", pa.int32()),
        ("raw_response", pa.string()),
        ("retrieved_at", _TS),
    ]
)

_KEY = ("source", "keyword", "year")
HITS_HINTS: dict[str, Any] = {
    "primary_key": (*_KEY, "doi"),
    "merge_key": _KEY,  # a re-run of a query replaces all of its hits, including ones that disappeared
    "columns": {name: {"nullable": False} for name in (*_KEY, "doi")},
}
PAGES_HINTS: dict[str, Any] = {
    "primary_key": (*_KEY, "page"),
    "merge_key": _KEY,
    "columns": {name: {"nullable": False} for name in (*_KEY, "page")},
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


def to_table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)
