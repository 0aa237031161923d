"""Run the JATS source into the DuckDB warehouse, chunk by chunk, with a progress bar and a summary.

A run: (1) settle what an earlier run left (ingestion/jats/pending.py) and publish what it landed; (2) read what
`raw` holds (content hashes, DOIs); (3) parse the corpus on every core, skipping bytes already loaded; (4) per chunk
— at most CHUNK_PAPERS papers and CHUNK_TEXT characters of text, so a chunk fits DuckDB's memory cap — dlt
extracts, normalizes and loads it into the landing dataset, then one transaction publishes it to `raw`
(ingestion/jats/landing.py). `raw` therefore only ever holds whole chunks.

What a crash (kill -9, power loss) at each step leaves, and how the next run repairs it:

- while listing or parsing, or while dlt extracts a chunk: earlier chunks are in `raw`; this chunk is nowhere
  (dlt's half-written extract folder is swept). The re-run skips the loaded files by content hash and parses on.
- while dlt normalizes: the extracted package is pending; the re-run normalizes and loads it, publishes it, and
  only then reads what `raw` holds, so its papers are skipped, not loaded twice.
- while dlt loads: the package is pending, some tables landed. The re-run loads the rest; a table job that
  committed just before the kill, not yet marked done, is loaded again and its copies are dropped at publishing.
- after loading, before or during publishing: the landed chunk is published by the next run (a publish cut
  short rolled back).
- between chunks: nothing is pending; the re-run goes on from the next file.

Another process holding the file (a notebook, the DuckDB CLI) stops the run with `WarehouseBusy` naming it; the
chunk stays pending and the re-run finishes it. A pending package that fails again when the re-run loads it is
dropped with a one-line note: its rows never reached `raw`, so its papers are parsed again when their corpus is.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

import dlt
import duckdb
from dlt.pipeline.exceptions import PipelineStepFailed
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ingestion.jats import CorpusReader, IngestStats, KnownState, jats_corpus
from ingestion.jats.files import DEFAULT_MAX_FILE_BYTES, Corpus
from ingestion.jats.landing import LANDING, drop_landed, publish
from ingestion.jats.parse import PARSER_VERSION
from ingestion.jats.pending import busy_as_warehouse_busy, dropped_note, first_line, settle_pending
from ingestion.jats.workers import ParsePool
from ingestion.pipeline import duckdb_load_config, make_pipeline
from warehouse.connect import connect

PIPELINE = "jats"
CHUNK_PAPERS = 2000
# Text of papers and sections together: a quarter of DuckDB's cap (ingestion/pipeline.py), which leaves room for
# both tables loading at once and for publishing them in one transaction. One chunk of 2,000 papers of ~120 KB
# holds ~480 MB of text: under a 256 MB cap, its load failed ("failed to pin block") and wedged every later load.
CHUNK_TEXT = 128 * 1024 * 1024


class LoadFailed(Exception):
    """A chunk could not be loaded for a reason other than a busy file; it stays pending for the next run."""


def _connect(db_path: Path) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
    return connect(db_path, config=duckdb_load_config())


def read_known_state(con: duckdb.DuckDBPyConnection) -> KnownState:
    """Content hashes and DOIs already in the raw tables."""
    known = KnownState()
    rows = con.execute("select content_hash, doi, parser_version from raw.papers").fetchall()
    known.paper_hashes = {h: d for h, d, version in rows if version == PARSER_VERSION}
    known.dois = {d for _, d, _ in rows}
    rows = con.execute("select content_hash from raw.ingest_rejects where parser_version = ?", [PARSER_VERSION])
    known.reject_hashes = {h for (h,) in rows.fetchall() if h}
    return known


def _publish(pipeline: dlt.Pipeline, db_path: Path, stats: IngestStats, first: bool = False) -> None:
    """Publish every finished chunk to `raw`.

    A landed chunk that cannot be published is dropped at the start of a run (`first`), with a note, so that it
    never blocks later loads; during a run, it stops the run (`LoadFailed`) and the next run drops it.
    """
    pending = tuple(pipeline.list_normalized_load_packages())
    try:
        with _connect(db_path) as con:
            published = publish(con, pending)
    except duckdb.Error as error:
        if not first:
            raise LoadFailed(
                f"publishing a chunk failed ({first_line(error)}): run the ingest again (a chunk that cannot be "
                "published is then dropped and its papers parsed again)"
            ) from error
        with _connect(db_path) as con:  # a new connection: the failed one may be unusable
            papers, corpora = drop_landed(con, pending)
        if papers:
            stats.notes.append(dropped_note(error, papers, corpora))
        return
    if published.replayed_rows:
        stats.notes.append(f"dropped {published.replayed_rows} rows a replayed load job had copied")
    if published.abandoned_rows:
        stats.notes.append(f"dropped {published.abandoned_rows} landed rows of an unfinished chunk")


def _load_chunk(pipeline: dlt.Pipeline, reader: CorpusReader, db_path: Path) -> None:
    try:
        with busy_as_warehouse_busy(db_path):
            pipeline.run(jats_corpus(reader, CHUNK_PAPERS, CHUNK_TEXT), loader_file_format="parquet")
    except PipelineStepFailed as error:
        if isinstance(error.exception, KeyboardInterrupt):  # Ctrl-C during normalize/load: an interruption
            raise KeyboardInterrupt from error
        raise LoadFailed(
            f"loading a chunk failed ({first_line(error)}); it is kept pending: run the ingest again to retry it "
            "(a chunk that fails again is dropped and its papers parsed again)"
        ) from error
    _publish(pipeline, db_path, reader.stats)


def ingest_jats_corpus(
    path: Path,
    db_path: Path,
    console: Console | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    workers: int | None = None,
) -> IngestStats:
    """Load a JATS corpus (directory, zip or one file) into raw.papers / raw.paper_sections / raw.ingest_rejects.

    `CorpusError` when the corpus cannot be read or holds no JATS file; `WarehouseBusy` when another process
    holds the warehouse; `LoadFailed` when a chunk cannot be loaded.
    """
    console = console or Console(stderr=True)
    stats = IngestStats()
    corpus = Corpus(path, max_file_bytes)
    stats.skipped = dict(corpus.listing().skipped)  # CorpusError before the warehouse is touched
    pipeline = make_pipeline(db_path, PIPELINE, dataset=LANDING)
    stats.notes.extend(settle_pending(pipeline, db_path))
    _publish(pipeline, db_path, stats, first=True)
    with _connect(db_path) as con:
        known = read_known_state(con)
    for note in stats.notes:
        console.print(f"[yellow]repaired[/yellow]: {note}")
    columns = (
        TextColumn("[bold]ingest[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>6.0f} papers/s"),
        TimeElapsedColumn(),
    )
    with (
        ParsePool(corpus, known.skip_hashes(), workers) as pool,
        Progress(*columns, console=console, transient=False) as progress,
    ):
        task = progress.add_task(path.name, total=len(corpus.listing().entries), rate=0.0)

        def advance() -> None:
            progress.advance(task)
            elapsed = progress.tasks[0].elapsed or 0.0
            if elapsed > 0:
                progress.update(task, rate=progress.tasks[0].completed / elapsed)

        reader = CorpusReader(path.name, pool.outcomes(), known, stats, on_file=advance)
        while not reader.exhausted:
            _load_chunk(pipeline, reader, db_path)
    return stats
