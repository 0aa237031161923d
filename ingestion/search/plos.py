"""PLOS search: the documented Solr API (`api.plos.org/search`), start/rows paging until numFound is reached.

The study used PLOS's website search (`dynamicSearch`), which is undocumented; the Solr API answers the same
question (phrase in the full text, research articles, one publication year) and is the documented interface.
"""

from __future__ import annotations

from collections.abc import Iterator

from ingestion.identifiers import normalize_doi
from ingestion.search.queries import Hit, Page, Query
from ingestion.web import PoliteClient
from ingestion.web.client import IncompleteResults

FIELDS = "id,title_display,journal,publication_date,article_type"
DEFAULT_FILTERS = ("doc_type:full", 'article_type:"Research Article"')
MAX_PAGES = 10_000


def query_params(query: Query, start: int, rows: int, filters: tuple[str, ...] = DEFAULT_FILTERS) -> dict:
    year = query.year
    date_range = f"publication_date:[{year}-01-01T00:00:00Z TO {year}-12-31T23:59:59Z]"
    return {
        "q": f"everything:{query.keyword}",
        "fq": [*filters, date_range],
        "fl": FIELDS,
        "wt": "json",
        "start": start,
        "rows": rows,
    }


def _hit(doc: dict) -> Hit | None:
    doi = normalize_doi(doc.get("id"))
    if doi is None:
        return None
    title = doc.get("title_display") or doc.get("title")
    return Hit(doi=doi, title=title, journal=doc.get("journal"), pmcid=None, is_open_access=True, record=doc)


def search_pages(client: PoliteClient, query: Query, rows: int = 100) -> Iterator[tuple[Page, int]]:
    """Every page of `query` as (page, documents without a DOI); raises IncompleteResults on a short read."""
    start, number = 0, 1
    while number <= MAX_PAGES:
        params = query_params(query, start, rows)
        body = client.get_json("", params)
        response = body.get("response") if isinstance(body, dict) else None
        if not isinstance(response, dict) or "docs" not in response:
            raise IncompleteResults(f"PLOS answered without a `response.docs` list on page {number}")
        num_found = int(response.get("numFound", 0))
        docs = response["docs"]
        hits = [hit for hit in map(_hit, docs) if hit is not None]
        url = client.url_for("", params)
        if not docs and start < num_found:
            raise IncompleteResults(f"PLOS returned an empty page at start={start} of numFound={num_found}")
        yield Page(number, url, num_found, hits, body), len(docs) - len(hits)
        start += len(docs)
        if start >= num_found:
            return
        number += 1
    raise IncompleteResults(f"more than {MAX_PAGES} pages for one query; narrow the query")
