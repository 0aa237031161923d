"""PLOS search: the documented Solr API (`api.plos.org/search`), start/rows paging until numFound is reached.

The study used PLOS's website search (`dynamicSearch`), which is undocumented; the Solr API answers the same
question (phrase in the full text, research articles, one publication year) and is the documented interface.
"""

from __future__ import annotations

from collections.abc import Iterator

from ingestion.identifiers import normalize_doi
from ingestion.search.queries import Hit, Page, Query
from ingestion.web import PoliteClient
from ingestion.web.paging import StartRowsPaginator

FIELDS = "id,title_display,journal,publication_date,article_type"
DEFAULT_FILTERS = ("doc_type:full", 'article_type:"Research Article"')


def query_params(query: Query, filters: tuple[str, ...] = DEFAULT_FILTERS) -> dict:
    """Solr parameters of one query; `start` and `rows` are the paginator's."""
    year = query.year
    date_range = f"publication_date:[{year}-01-01T00:00:00Z TO {year}-12-31T23:59:59Z]"
    return {"q": f"everything:{query.keyword}", "fq": [*filters, date_range], "fl": FIELDS, "wt": "json"}


def _hit(doc: dict) -> Hit | None:
    doi = normalize_doi(doc.get("id"))
    if doi is None:
        return None
    title = doc.get("title_display") or doc.get("title")
    return Hit(doi=doi, title=title, journal=doc.get("journal"), pmcid=None, is_open_access=True, record=doc)


def search_pages(client: PoliteClient, query: Query, rows: int = 100) -> Iterator[tuple[Page, int]]:
    """Every page of `query` as (page, documents without a DOI); IncompleteResults on an empty or short page."""
    paginator = StartRowsPaginator("PLOS search", rows, count_path="response.numFound")
    pages = client.pages("", query_params(query), paginator, items_at="response.docs")
    for number, page in enumerate(pages, start=1):
        hits = [hit for hit in map(_hit, page.items) if hit is not None]
        yield Page(number, page.url, paginator.count, hits, page.body), len(page.items) - len(hits)
