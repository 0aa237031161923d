"""OpenAlex works API: the client (key, e-mail), DOI batches, discovery filters and cursor paging."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ingestion.web import PoliteClient, Politeness, ServiceError
from ingestion.web.endpoints import base_url, is_default
from ingestion.web.paging import CursorPaginator

# Root-level fields kept per work (`select=` trims the payload; nested fields cannot be selected).
DEFAULT_SELECT = (
    "id,doi,display_name,publication_year,publication_date,type,language,primary_location,open_access,"
    "best_oa_location,cited_by_count,fwci,primary_topic,topics,keywords,is_retracted,is_paratext,has_fulltext,"
    "ids,updated_date,created_date"
)
MAX_PER_PAGE = 100  # current OpenAlex limit
DOI_BATCH = 50  # DOIs per `filter=doi:a|b|…` call (AIUS used 50)
MAX_PAGES = 100_000
POLITENESS = Politeness(requests_per_second=10.0)  # OpenAlex allows more; 10/s keeps us well inside it
KEY_HINT = (
    "OpenAlex needs an API key since Feb 2026: create a free one in your OpenAlex account (https://openalex.org), "
    "then `export OPENALEX_API_KEY=<key>` and re-run. A 401/403 means the key is missing, expired or wrong; "
    "a 429 that does not go away means today's budget is spent: wait until tomorrow."
)


class MissingKey(ServiceError):
    """No OPENALEX_API_KEY for the public API: refuse before spending a request."""


def make_client(politeness: Politeness | None = None) -> PoliteClient:
    key = os.environ.get("OPENALEX_API_KEY", "").strip()
    if not key and is_default("OPENALEX_BASE_URL"):
        raise MissingKey("OpenAlex", "OPENALEX_API_KEY is not set", KEY_HINT)
    params = {"api_key": key, "mailto": os.environ.get("OPENALEX_MAILTO", "").strip()}
    return PoliteClient("OpenAlex", base_url("OPENALEX_BASE_URL"), politeness or POLITENESS, params, KEY_HINT)


def doi_filter(dois: Sequence[str]) -> str:
    return "doi:" + "|".join(f"https://doi.org/{doi}" for doi in dois)


def queryable(doi: str) -> bool:
    """`|` and `,` separate filter values, so a DOI holding one cannot be asked for in a batch filter."""
    return "|" not in doi and "," not in doi


@dataclass(frozen=True, slots=True)
class Discovery:
    """A works query: OpenAlex field ids (primary topic), year range, type and open-access status."""

    field_ids: tuple[int, ...] = ()
    from_year: int | None = None
    to_year: int | None = None
    work_type: str | None = "article"
    oa_status: str | None = None  # gold | green | hybrid | bronze | diamond | closed; "oa" = any open access

    def filters(self, updated_since: str | None = None) -> str:
        parts = []
        if self.field_ids:
            parts.append("primary_topic.field.id:" + "|".join(str(i) for i in self.field_ids))
        if self.from_year or self.to_year:
            parts.append(f"publication_year:{self.from_year or ''}-{self.to_year or ''}")
        if self.work_type:
            parts.append(f"type:{self.work_type}")
        if self.oa_status == "oa":
            parts.append("open_access.is_oa:true")
        elif self.oa_status:
            parts.append(f"open_access.oa_status:{self.oa_status}")
        if updated_since:
            parts.append(f"from_updated_date:{updated_since}")
        return ",".join(parts)

    @property
    def key(self) -> str:
        """Names this query in the incremental state (another query keeps its own high-water mark)."""
        return self.filters() or "all"


def iter_works(client: PoliteClient, params: dict[str, Any], per_page: int = MAX_PER_PAGE) -> Iterator[list[dict]]:
    """Each non-empty page of `/works` for `params`, cursor-paged to the end (IncompleteResults if it stops short)."""
    paginator = CursorPaginator("OpenAlex", "meta.next_cursor", "cursor", "meta.count", MAX_PAGES)
    for page in client.pages("/works", {**params, "per-page": per_page}, paginator, items_at="results"):
        if page.items:
            yield page.items
