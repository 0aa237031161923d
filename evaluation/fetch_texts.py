"""Fetch the PLOS XML of gold papers without text, through the project's full-text fetcher and JATS loader.

The study's 110 papers are all PLOS, so one PLOS request per DOI suffices. Every attempt is recorded in
raw.fulltext_fetches exactly like `ptmreuse fetch-fulltext` records search hits, and fetched XML is loaded by the
same JATS ingestion as any corpus.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from evaluation.gold import aius_sets
from ingestion.fulltext.pipeline import (
    DEFAULT_POLITENESS,
    PIPELINE,
    FulltextStats,
    Target,
    fetch_one,
    fulltext_fetches,
)
from ingestion.jats.pipeline import ingest_jats_corpus
from ingestion.pipeline import make_pipeline
from ingestion.web import PoliteClient, Politeness
from ingestion.web.endpoints import base_url
from warehouse.reads import read_rows


def gold_dois() -> list[str]:
    """DOIs of the study's author-agreement papers (the gold set that comes without bundled text)."""
    return sorted(aius_sets()[0].papers)


def fetch_gold_texts(
    db_path: Path,
    dois: list[str] | None = None,
    out_dir: Path | None = None,
    politeness: Politeness | None = None,
    console: Console | None = None,
) -> FulltextStats:
    """Fetch and load the PLOS XML of every gold DOI not yet in raw.papers; returns counts by fetch status."""
    console = console or Console(stderr=True)
    out_dir = out_dir or db_path.parent / "fulltext"
    have = {doi for (doi,) in read_rows(db_path, "papers", "select doi from raw.papers")}
    todo = [doi for doi in (dois if dois is not None else gold_dois()) if doi not in have]
    stats = FulltextStats()
    if not todo:
        return stats
    client = PoliteClient("PLOS journals", base_url("PLOS_JOURNALS_BASE_URL"), politeness or DEFAULT_POLITENESS["plos"])
    rows = []
    try:
        with console.status("fetching gold papers from PLOS") as status:
            for index, doi in enumerate(todo, start=1):
                status.update(f"fetching gold papers from PLOS: {index}/{len(todo)} {doi}")
                rows.append(fetch_one({"plos": client}, Target(doi, "plos", None, True), out_dir))
                stats.by_status[rows[-1]["status"]] = stats.by_status.get(rows[-1]["status"], 0) + 1
    finally:
        stats.requests, stats.retries = client.attempts, client.retries
        client.close()
        if rows:
            make_pipeline(db_path, PIPELINE).run(fulltext_fetches(rows), loader_file_format="parquet")
    if stats.by_status.get("fetched"):
        ingested = ingest_jats_corpus(out_dir, db_path, console=console)
        stats.papers_loaded = ingested.loaded + ingested.updated
        stats.papers_rejected = ingested.rejected
    return stats
