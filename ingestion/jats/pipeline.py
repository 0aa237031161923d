"""Run the JATS source into the DuckDB warehouse, with a progress bar and a summary."""

from __future__ import annotations

from pathlib import Path

import duckdb
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ingestion.jats import CorpusReader, IngestStats, KnownState, jats_corpus
from ingestion.jats.files import DEFAULT_MAX_FILE_BYTES
from ingestion.jats.parse import PARSER_VERSION
from ingestion.jats.workers import ParsePool
from ingestion.pipeline import make_pipeline
from warehouse import tables_in

CHUNK_PAPERS = 2000


def read_known_state(db_path: Path) -> KnownState:
    """Content hashes and DOIs already in the raw tables (empty for a new database)."""
    known = KnownState()
    if not db_path.exists():
        return known
    with duckdb.connect(str(db_path), read_only=True) as con:
        tables = tables_in(con)
        if "papers" in tables:
            rows = con.execute("select content_hash, doi, parser_version from raw.papers").fetchall()
            known.paper_hashes = {h: d for h, d, version in rows if version == PARSER_VERSION}
            known.dois = {d for _, d, _ in rows}
        if "paper_sections" in tables:  # sections whose paper row is missing still need a merge
            known.dois |= {d for (d,) in con.execute("select distinct doi from raw.paper_sections").fetchall()}
        if "ingest_rejects" in tables:
            rows = con.execute("select content_hash from raw.ingest_rejects where parser_version = ?", [PARSER_VERSION])
            known.reject_hashes = {h for (h,) in rows.fetchall() if h}
    return known


def ingest_jats_corpus(
    path: Path,
    db_path: Path,
    console: Console | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    workers: int | None = None,
) -> IngestStats:
    """Load a JATS corpus (directory or zip) into raw.papers / raw.paper_sections / raw.ingest_rejects."""
    console = console or Console(stderr=True)
    stats = IngestStats()
    known = read_known_state(db_path)
    columns = (
        TextColumn("[bold]ingest[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>6.0f} papers/s"),
        TimeElapsedColumn(),
    )
    with (
        ParsePool(path, known.skip_hashes(), max_file_bytes, workers) as pool,
        Progress(*columns, console=console, transient=False) as progress,
    ):
        task = progress.add_task(path.name, total=len(pool.names()), rate=0.0)

        def advance() -> None:
            progress.advance(task)
            elapsed = progress.tasks[0].elapsed or 0.0
            if elapsed > 0:
                progress.update(task, rate=progress.tasks[0].completed / elapsed)

        reader = CorpusReader(path.name, pool.outcomes(), known, stats, on_file=advance)
        pipeline = make_pipeline(db_path, "jats")
        # One load per chunk of papers: memory is bounded by the chunk, and a crash loses at most one chunk.
        while not reader.exhausted:
            pipeline.run(jats_corpus(reader=reader, max_papers=CHUNK_PAPERS), loader_file_format="parquet")
    return stats
