"""Fetch the full text of search hits, record every attempt in raw.fulltext_fetches, then load the XML as JATS.

Fetched XML is written (atomically) under one directory per source and handed to the JATS loader, which parses
it exactly like a downloaded corpus: there is one JATS parser in the project, not two.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dlt
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ingestion.fulltext.schema import FETCHES_HINTS, FULLTEXT_FETCHES
from ingestion.fulltext.sources import body_status, europepmc_path, plos_request
from ingestion.jats.pipeline import ingest_jats_corpus
from ingestion.pipeline import make_pipeline
from ingestion.web import PoliteClient, Politeness, ServiceError, ServiceUnusable
from ingestion.web.endpoints import base_url
from warehouse.reads import read_rows

PIPELINE = "fulltext"
DONE = ("fetched", "no_full_text", "not_found", "not_open_access", "unsupported")  # retried only with --refresh
DEFAULT_POLITENESS = {
    "plos": Politeness(requests_per_second=1.0),
    "europepmc": Politeness(requests_per_second=5.0),
}


@dataclass(frozen=True, slots=True)
class Target:
    doi: str
    source: str
    pmcid: str | None
    is_open_access: bool | None


@dataclass(slots=True)
class FulltextStats:
    by_status: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    retries: int = 0
    papers_loaded: int = 0
    papers_rejected: int = 0


@dlt.source(name="fulltext", max_table_nesting=0)
def fulltext_fetches(rows: list[dict[str, Any]]) -> Any:
    @dlt.resource(name="fulltext_fetches", write_disposition="merge", **FETCHES_HINTS)
    def fetches() -> Iterator[Any]:
        yield FULLTEXT_FETCHES.to_arrow(rows)

    return fetches


def targets(db_path: Path, refresh: bool = False) -> list[Target]:
    """One target per hit DOI not yet a paper nor already settled; PLOS first when both sources found it."""
    rows = read_rows(
        db_path,
        "search_hits",
        """
        select doi, source, max(pmcid), bool_or(is_open_access)
        from raw.search_hits group by doi, source
        order by doi, case source when 'plos' then 0 else 1 end
        """,
    )
    skip = {d for (d,) in read_rows(db_path, "papers", "select doi from raw.papers")}
    if not refresh:
        query = f"select doi from raw.fulltext_fetches where status in {DONE!r}"
        skip |= {d for (d,) in read_rows(db_path, "fulltext_fetches", query)}
    chosen: dict[str, Target] = {}
    for doi, source, pmcid, is_oa in rows:
        if doi not in skip and doi not in chosen:
            chosen[doi] = Target(doi, source, pmcid, is_oa)
    return list(chosen.values())


def _file_name(doi: str) -> str:
    return doi.replace("/", "_").replace(":", "_") + ".xml"


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".xml.part")  # not .xml: the JATS loader never sees a half-written file
    partial.write_bytes(data)
    os.replace(partial, path)


def fetch_one(clients: dict[str, PoliteClient], target: Target, out_dir: Path) -> dict[str, Any]:
    row: dict[str, Any] = {"doi": target.doi, "source": target.source, "fetched_at": datetime.now(UTC)}
    if target.source == "plos":
        request = plos_request(target.doi)
        if request is None:
            return {**row, "status": "unsupported", "detail": "not a PLOS DOI"}
        path, params = request
    elif target.is_open_access is False:
        return {**row, "status": "not_open_access", "detail": "Europe PMC serves full text for open access only"}
    elif not target.pmcid:
        return {**row, "status": "no_pmcid", "detail": "no PMCID in the search hit: not in PubMed Central"}
    else:
        path, params = europepmc_path(target.pmcid), {}
    client = clients[target.source]
    row["url"] = client.url_for(path, params)
    try:
        response = client.get(path, params, accept=(200, 404))
    except ServiceUnusable:  # every further request would fail the same way
        raise
    except ServiceError as error:
        return {**row, "status": "error", "detail": str(error)[:2000]}
    row["http_status"] = response.status_code
    if response.status_code == 404:
        return {**row, "status": "not_found", "detail": "the service has no full text for this article"}
    status = body_status(response.content)
    if status != "article":
        return {**row, "status": status, "detail": "answer has no <body>" if status == "no_full_text" else "not XML"}
    name = f"{target.source}/{_file_name(target.doi)}"
    _write_atomically(out_dir / name, response.content)
    return {**row, "status": "fetched", "file_name": name, "content_hash": hashlib.sha256(response.content).hexdigest()}


def fetch_fulltext(
    db_path: Path,
    out_dir: Path | None = None,
    refresh: bool = False,
    politeness: Politeness | None = None,
    fetches_per_load: int = 100,
    console: Console | None = None,
) -> FulltextStats:
    """Fetch every pending hit, record each attempt, then ingest the fetched XML into raw.papers."""
    console = console or Console(stderr=True)
    out_dir = out_dir or db_path.parent / "fulltext"
    stats = FulltextStats()
    todo = targets(db_path, refresh)
    clients = {
        "plos": PoliteClient(
            "PLOS journals", base_url("PLOS_JOURNALS_BASE_URL"), politeness or DEFAULT_POLITENESS["plos"]
        ),
        "europepmc": PoliteClient(
            "Europe PMC", base_url("EUROPEPMC_BASE_URL"), politeness or DEFAULT_POLITENESS["europepmc"]
        ),
    }
    pipeline = make_pipeline(db_path, PIPELINE)
    columns = (
        TextColumn("[bold]fetch[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("full text", total=len(todo))
            for start in range(0, len(todo), fetches_per_load):
                rows = []
                for target in todo[start : start + fetches_per_load]:
                    progress.update(task, description=target.doi)
                    rows.append(fetch_one(clients, target, out_dir))
                    stats.by_status[rows[-1]["status"]] = stats.by_status.get(rows[-1]["status"], 0) + 1
                    progress.advance(task)
                pipeline.run(fulltext_fetches(rows), loader_file_format="parquet")
    finally:
        for client in clients.values():
            stats.requests += client.attempts
            stats.retries += client.retries
            client.close()
    if stats.by_status.get("fetched") or (out_dir.exists() and any(out_dir.rglob("*.xml"))):
        ingested = ingest_jats_corpus(out_dir, db_path, console=console)
        stats.papers_loaded = ingested.loaded + ingested.updated
        stats.papers_rejected = ingested.rejected
    return stats
