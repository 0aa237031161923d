"""raw.openalex_works / _work_topics / _lookups: their dlt hints, and how one work JSON becomes rows.

The columns are declared in models/staging/__sources.yml (warehouse.raw_schema).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from ingestion.identifiers import normalize_doi
from warehouse.raw_schema import raw_table

WORKS = raw_table("openalex_works")
WORK_TOPICS = raw_table("openalex_work_topics")
LOOKUPS = raw_table("openalex_lookups")

WORKS_HINTS: dict[str, Any] = {"primary_key": "openalex_id", "columns": WORKS.dlt_columns()}
# merge_key: a refreshed work replaces its whole topic list (a topic that dropped out disappears).
TOPICS_HINTS: dict[str, Any] = {
    "primary_key": ("openalex_id", "topic_rank"),
    "merge_key": "openalex_id",
    "columns": WORK_TOPICS.dlt_columns(),
}
LOOKUPS_HINTS: dict[str, Any] = {"primary_key": "doi", "columns": LOOKUPS.dlt_columns()}


def short_id(url: str | None) -> str | None:
    """`https://openalex.org/W123` → `W123`."""
    return url.rstrip("/").rsplit("/", 1)[-1] if url else None


def _int_id(node: dict | None) -> int | None:
    """Numeric id of a subfield/field/domain (`https://openalex.org/fields/23` → 23)."""
    tail = short_id((node or {}).get("id"))
    return int(tail) if tail and tail.isdigit() else None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _timestamp(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def work_row(work: dict[str, Any], retrieved_at: datetime) -> dict[str, Any]:
    access = work.get("open_access") or {}
    primary = work.get("primary_topic") or {}
    return {
        "openalex_id": short_id(work["id"]),
        "doi": normalize_doi(work.get("doi")),
        "title": work.get("display_name") or work.get("title"),
        "publication_year": work.get("publication_year"),
        "publication_date": _date(work.get("publication_date")),
        "work_type": work.get("type"),
        "cited_by_count": work.get("cited_by_count"),
        "is_oa": access.get("is_oa"),
        "oa_status": access.get("oa_status"),
        "primary_topic_id": short_id(primary.get("id")),
        "primary_topic_name": primary.get("display_name"),
        "primary_subfield_id": _int_id(primary.get("subfield")),
        "primary_field_id": _int_id(primary.get("field")),
        "primary_field_name": (primary.get("field") or {}).get("display_name"),
        "primary_domain_id": _int_id(primary.get("domain")),
        "topic_count": len(work.get("topics") or []),
        "updated_date": _timestamp(work.get("updated_date")),
        "work_json": json.dumps(work, ensure_ascii=False),
        "retrieved_at": retrieved_at,
    }


def topic_rows(work: dict[str, Any], retrieved_at: datetime) -> list[dict[str, Any]]:
    """One row per topic, rank 1 = highest score (OpenAlex lists them best first)."""
    rows = []
    for rank, topic in enumerate(work.get("topics") or [], start=1):
        rows.append(
            {
                "openalex_id": short_id(work["id"]),
                "topic_rank": rank,
                "topic_id": short_id(topic.get("id")),
                "topic_name": topic.get("display_name"),
                "score": topic.get("score"),
                "subfield_id": _int_id(topic.get("subfield")),
                "subfield_name": (topic.get("subfield") or {}).get("display_name"),
                "field_id": _int_id(topic.get("field")),
                "field_name": (topic.get("field") or {}).get("display_name"),
                "domain_id": _int_id(topic.get("domain")),
                "domain_name": (topic.get("domain") or {}).get("display_name"),
                "retrieved_at": retrieved_at,
            }
        )
    return rows


def lookup_rows(requested: list[str], works: list[dict[str, Any]], looked_up_at: datetime) -> list[dict[str, Any]]:
    """A status row for every requested DOI: found (with its work), or not found. Nothing is dropped."""
    by_doi: dict[str, list[dict]] = {}
    for work in works:
        doi = normalize_doi(work.get("doi"))
        if doi:
            by_doi.setdefault(doi, []).append(work)
    rows = []
    for doi in requested:
        matches = by_doi.get(doi, [])
        # OpenAlex sometimes holds duplicate works for one DOI: point at the most cited one.
        best = max(matches, key=lambda w: (w.get("cited_by_count") or 0, w["id"]), default=None)
        rows.append(
            {
                "doi": doi,
                "status": "found" if best else "not_found",
                "openalex_id": short_id(best["id"]) if best else None,
                "works_matched": len(matches),
                "looked_up_at": looked_up_at,
            }
        )
    return rows
