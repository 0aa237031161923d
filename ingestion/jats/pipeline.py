"""Run the JATS source into the DuckDB warehouse, with a progress bar and a summary."""

from __future__ import annotations

from pathlib import Path

import dlt
import duckdb
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ingestion.jats import IngestStats, KnownState, jats_corpus
from ingestion.jats.files import DEFAULT_MAX_FILE_BYTES, count_files
from ingestion.jats.parse import PARSER_VERSION
from ptmreuse.settings import dlt_pipelines_dir

RAW_DATASET = "raw"


def _table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    query = "select count(*) from information_schema.tables where table_schema = ? and table_name = ?"
    return con.execute(query, [RAW_DATASET, table]).fetchone()[0] > 0


def read_known_state(db_path: Path) -> KnownState:
    """Content hashes and DOIs already in the raw tables (empty for a new database)."""
    known = KnownState()
    if not db_path.exists():
        return known
    with duckdb.connect(str(db_path), read_only=True) as con:
        if _table_exists(con, "papers"):
            rows = con.execute("select content_hash, doi, parser_version from raw.papers").fetchall()
            known.paper_hashes = {h: d for h, d, version in rows if version == PARSER_VERSION}
            known.dois = {d for _, d, _ in rows}
        if _table_exists(con, "ingest_rejects"):
            rows = con.execute("select content_hash from raw.ingest_rejects where parser_version = ?", [PARSER_VERSION])
            known.reject_hashes = {h for (h,) in rows.fetchall() if h}
    return known


def make_pipeline(db_path: Path, name: str) -> dlt.Pipeline:
    """A dlt pipeline writing dataset `raw` of the DuckDB file at `db_path` (state kept beside that file)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    return dlt.pipeline(
        pipeline_name=name,
        destination=dlt.destinations.duckdb(str(db_path)),
        dataset_name=RAW_DATASET,
        pipelines_dir=str(dlt_pipelines_dir(db_path)),
    )


def ingest_jats_corpus(
    path: Path,
    db_path: Path,
    console: Console | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> IngestStats:
    """Load a JATS corpus (directory or zip) into raw.papers / raw.paper_sections / raw.ingest_rejects."""
    console = console or Console(stderr=True)
    stats = IngestStats()
    known = read_known_state(db_path)
    total = count_files(path)
    columns = (
        TextColumn("[bold]ingest[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>6.0f} papers/s"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(path.name, total=total, rate=0.0)

        def advance() -> None:
            progress.advance(task)
            elapsed = progress.tasks[0].elapsed or 0.0
            if elapsed > 0:
                progress.update(task, rate=progress.tasks[0].completed / elapsed)

        source = jats_corpus(path, known=known, stats=stats, max_file_bytes=max_file_bytes, on_file=advance)
        make_pipeline(db_path, "jats").run(source, loader_file_format="parquet")
    return stats
