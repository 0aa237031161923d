"""Enrich DOIs with their OpenAlex works, or discover works by query, into the raw schema."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dlt.pipeline.exceptions import PipelineStepFailed
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ingestion.openalex import WorkBatch, openalex
from ingestion.openalex.api import DEFAULT_SELECT, DOI_BATCH, MAX_PER_PAGE, Discovery, doi_filter, iter_works, queryable
from ingestion.openalex.api import make_client as make_openalex_client
from ingestion.openalex.schema import lookup_rows, short_id
from ingestion.pipeline import make_pipeline
from ingestion.web import PoliteClient, Politeness, ServiceError, ServiceUnusable
from warehouse.reads import read_rows

PIPELINE = "openalex"
TABLES = {"openalex_works", "openalex_work_topics", "openalex_lookups"}


@dataclass(slots=True)
class OpenAlexStats:
    requested: int = 0
    found: int = 0
    not_found: int = 0
    not_queryable: int = 0
    works: int = 0
    requests: int = 0
    retries: int = 0
    updated_since: str | None = None
    failures: list[str] = field(default_factory=list)


def dois_to_enrich(db_path: Path, refresh: bool = False) -> list[str]:
    """Every DOI in raw.papers and raw.search_hits, minus those already looked up (unless `refresh`)."""
    dois = {d for (d,) in read_rows(db_path, "papers", "select doi from raw.papers")}
    dois |= {d for (d,) in read_rows(db_path, "search_hits", "select distinct doi from raw.search_hits")}
    if not refresh:
        dois -= {d for (d,) in read_rows(db_path, "openalex_lookups", "select doi from raw.openalex_lookups")}
    return sorted(d for d in dois if d)


def _progress(console: Console) -> Progress:
    columns = (
        TextColumn("[bold]openalex[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    return Progress(*columns, console=console)


def enrich_dois(
    db_path: Path,
    dois: list[str] | None = None,
    refresh: bool = False,
    batch_size: int = DOI_BATCH,
    batches_per_load: int = 20,
    select: str | None = DEFAULT_SELECT,
    politeness: Politeness | None = None,
    console: Console | None = None,
) -> OpenAlexStats:
    """Look up DOIs (default: every DOI not looked up yet) in batches; every DOI gets a status row.

    Each load commits `batches_per_load` batches, so an interrupted run keeps what it finished and a re-run
    continues. A batch that fails after its retries is reported and left for the next run; a refused key stops.
    """
    console = console or Console(stderr=True)
    stats = OpenAlexStats()
    todo = dois if dois is not None else dois_to_enrich(db_path, refresh)
    stats.requested = len(todo)
    now = datetime.now(UTC)
    refused = [d for d in todo if not queryable(d)]
    askable = [d for d in todo if queryable(d)]
    batches = [askable[i : i + batch_size] for i in range(0, len(askable), batch_size)]
    loads = [batches[i : i + batches_per_load] for i in range(0, len(batches), batches_per_load)] or [[]]
    client = make_openalex_client(politeness)
    pipeline = make_pipeline(db_path, PIPELINE)
    try:
        with _progress(console) as progress:
            task = progress.add_task("DOIs", total=len(todo))
            for number, load in enumerate(loads):
                fetched: list[WorkBatch] = []
                if number == 0 and refused:
                    stats.not_queryable = len(refused)
                    fetched.append(WorkBatch(lookups=[_unqueryable(d, now) for d in refused]))
                    progress.advance(task, len(refused))
                for batch in load:
                    try:
                        fetched.append(_lookup(client, batch, select, stats))
                    except ServiceUnusable:  # every further request would fail the same way
                        raise
                    except ServiceError as error:
                        stats.failures.append(f"{len(batch)} DOIs from {batch[0]}: {error}")
                    progress.advance(task, len(batch))
                # an empty first load still creates the three tables
                pipeline.run(openalex(lambda _state, f=fetched: f), loader_file_format="parquet")
    finally:
        stats.requests, stats.retries = client.attempts, client.retries
        client.close()
    return stats


def _unqueryable(doi: str, now: datetime) -> dict[str, Any]:
    return {"doi": doi, "status": "not_queryable", "openalex_id": None, "works_matched": 0, "looked_up_at": now}


def _lookup(client: PoliteClient, dois: list[str], select: str | None, stats: OpenAlexStats) -> WorkBatch:
    """The works of one DOI batch (every page of it) and a status row per DOI."""
    params = {"filter": doi_filter(dois)}
    if select:
        params["select"] = select
    works = [work for page in iter_works(client, params, per_page=MAX_PER_PAGE) for work in page]
    batch = WorkBatch(works=works)
    batch.lookups = lookup_rows(dois, works, batch.retrieved_at)
    found = sum(1 for row in batch.lookups if row["status"] == "found")
    stats.found += found
    stats.not_found += len(dois) - found
    stats.works += len(works)
    return batch


def discover_works(
    db_path: Path,
    discovery: Discovery,
    incremental: bool = True,
    per_page: int = MAX_PER_PAGE,
    select: str | None = DEFAULT_SELECT,
    politeness: Politeness | None = None,
    console: Console | None = None,
) -> OpenAlexStats:
    """Every work matching `discovery`, cursor-paged to the end, merged on the OpenAlex id.

    With `incremental`, a later run asks only for works updated since the newest `updated_date` seen by the
    last successful run of the same query (`from_updated_date`). The run is one load: it writes all or nothing.
    """
    console = console or Console(stderr=True)
    stats = OpenAlexStats()
    client = make_openalex_client(politeness)
    failed: list[ServiceError] = []

    def produce(state: dict[str, Any]) -> Iterator[WorkBatch]:
        try:
            yield from matching_works(state)
        except ServiceError as error:
            failed.append(error)
            raise

    def matching_works(state: dict[str, Any]) -> Iterator[WorkBatch]:
        marks: dict[str, str] = state.setdefault("updated_since", {})
        since = marks.get(discovery.key) if incremental else None
        stats.updated_since = since
        params = {"filter": discovery.filters(since)}
        if select:
            params["select"] = select
        newest = since
        with _progress(console) as progress:
            task = progress.add_task("discover", total=None)
            for page in iter_works(client, params, per_page=per_page):
                stats.works += len(page)
                dates = [w.get("updated_date")[:10] for w in page if w.get("updated_date")]
                newest = max([d for d in [newest, *dates] if d], default=None)
                progress.advance(task, len(page))
                yield WorkBatch(works=page)
        if newest:
            marks[discovery.key] = newest  # saved with the load, so a failed run leaves the mark untouched

    try:
        make_pipeline(db_path, PIPELINE).run(openalex(produce), loader_file_format="parquet")
    except PipelineStepFailed:
        if not failed:
            raise
    finally:
        stats.requests, stats.retries = client.attempts, client.retries
        client.close()
    if failed:  # our one-line error rather than dlt's wrapper (raised out here: its chain must not loop back)
        raise failed[0]
    return stats


__all__ = ["OpenAlexStats", "discover_works", "dois_to_enrich", "enrich_dois", "short_id"]
