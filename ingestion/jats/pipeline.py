"""Run the JATS source into the DuckDB warehouse, with a progress bar and a summary."""

from __future__ import annotations

from pathlib import Path

import dlt
import duckdb
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ingestion.jats import CorpusReader, IngestStats, KnownState, jats_corpus
from ingestion.jats.files import DEFAULT_MAX_FILE_BYTES
from ingestion.jats.parse import PARSER_VERSION
from ingestion.jats.workers import ParsePool
from ptmreuse.settings import dlt_pipelines_dir
from ptmreuse.warehouse import tables_in

RAW_DATASET = "raw"
WRITER_BUFFER_ROWS = 100
CHUNK_PAPERS = 2000
DUCKDB_LOAD_MEMORY = "256MB"


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


def make_pipeline(db_path: Path, name: str) -> dlt.Pipeline:
    """A dlt pipeline writing dataset `raw` of the DuckDB file at `db_path` (state kept beside that file)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    # Memory stays flat whatever the corpus size: dlt flushes to disk every few hundred rows (its default, 5,000
    # full-text rows, is hundreds of MB) and DuckDB's cache during the load is capped.
    dlt.config["data_writer.buffer_max_items"] = WRITER_BUFFER_ROWS
    # Load files are transient (DuckDB reads them once): written uncompressed and deleted after loading.
    # For full texts this writes several times faster than the default snappy.
    dlt.config["data_writer.compression"] = "none"
    dlt.config["load.delete_completed_jobs"] = True
    credentials = DuckDbCredentials(str(db_path), global_config={"memory_limit": DUCKDB_LOAD_MEMORY})
    return dlt.pipeline(
        pipeline_name=name,
        destination=dlt.destinations.duckdb(credentials),
        dataset_name=RAW_DATASET,
        pipelines_dir=str(dlt_pipelines_dir(db_path)),
    )


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
