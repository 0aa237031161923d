"""Run the candidate search (keyword × year, per source) into raw.search_hits / raw.search_pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ingestion.pipeline import make_pipeline
from ingestion.search import europepmc, plos, search_results
from ingestion.search.queries import Query, QueryResult
from ingestion.web import PoliteClient, Politeness, ServiceError, ServiceUnusable
from ingestion.web.endpoints import base_url
from warehouse.reads import read_rows

SOURCES = ("plos", "europepmc")
# PLOS: "10 per minute … 300 per hour" (api.plos.org FAQ); Europe PMC asks for moderate use, no number.
DEFAULT_POLITENESS = {
    "plos": Politeness(requests_per_second=10 / 60),
    "europepmc": Politeness(requests_per_second=5.0),
}
PIPELINE = "search"


@dataclass(slots=True)
class SearchStats:
    completed: int = 0
    skipped: int = 0  # already complete in the warehouse
    hits: int = 0
    requests: int = 0
    retries: int = 0
    failures: list[tuple[Query, str]] = field(default_factory=list)


def make_client(source: str, politeness: Politeness | None = None) -> PoliteClient:
    if source == "plos":
        return PoliteClient("PLOS search", base_url("PLOS_SEARCH_BASE_URL"), politeness or DEFAULT_POLITENESS[source])
    if source == "europepmc":
        return PoliteClient("Europe PMC", base_url("EUROPEPMC_BASE_URL"), politeness or DEFAULT_POLITENESS[source])
    raise ValueError(f"unknown search source {source!r}: choose one of {', '.join(SOURCES)}")


def fetch_query(client: PoliteClient, query: Query, page_size: int, europepmc_filter: str | None) -> QueryResult:
    """Every page of one query, or an exception: never a partial result."""
    if query.source == "plos":
        pages = plos.search_pages(client, query, rows=page_size)
    else:
        pages = europepmc.search_pages(client, query, page_size=page_size, extra_filter=europepmc_filter)
    result = QueryResult(query)
    for page, skipped in pages:
        result.pages.append(page)
        result.skipped_per_page.append(skipped)
    return result


def completed_queries(db_path: Path) -> set[tuple[str, str, int]]:
    rows = read_rows(db_path, "search_pages", "select distinct source, keyword, year from raw.search_pages")
    return {(s, k, int(y)) for s, k, y in rows}


def run_search(
    db_path: Path,
    sources: Sequence[str],
    keywords: Sequence[str],
    years: Sequence[int],
    refresh: bool = False,
    politeness: Politeness | None = None,
    page_size: int | None = None,
    europepmc_filter: str | None = europepmc.DEFAULT_FILTER,
    queries_per_load: int = 10,
    console: Console | None = None,
) -> SearchStats:
    """Run every (source, keyword, year) query not yet complete; each load commits `queries_per_load` queries.

    A query that fails after its retries is reported and skipped (the others go on); a refused key stops all.
    """
    console = console or Console(stderr=True)
    stats = SearchStats()
    done = set() if refresh else completed_queries(db_path)
    grid = [Query(s, k, y) for s in sources for k in keywords for y in years]
    todo = [q for q in grid if (q.source, q.keyword, q.year) not in done]
    stats.skipped = len(grid) - len(todo)
    clients = {source: make_client(source, politeness) for source in {q.source for q in todo}}
    pipeline = make_pipeline(db_path, PIPELINE)
    columns = (
        TextColumn("[bold]search[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("queries", total=len(todo))
            for start in range(0, len(todo), queries_per_load):
                results: list[QueryResult] = []
                for query in todo[start : start + queries_per_load]:
                    progress.update(task, description=f"{query.source} {query.keyword} {query.year}")
                    size = page_size or (500 if query.source == "plos" else 1000)
                    try:
                        results.append(fetch_query(clients[query.source], query, size, europepmc_filter))
                    except ServiceUnusable:  # every further request would fail the same way
                        raise
                    except ServiceError as error:
                        stats.failures.append((query, str(error)))
                    progress.advance(task)
                stats.completed += len(results)
                stats.hits += sum(len(page.hits) for result in results for page in result.pages)
                # complete queries only: one that failed half-way left nothing to write
                pipeline.run(search_results(results), loader_file_format="parquet")
    finally:
        for client in clients.values():
            stats.requests += client.attempts
            stats.retries += client.retries
            client.close()
    return stats
