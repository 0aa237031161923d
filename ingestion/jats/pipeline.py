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

On a lake (warehouse/lake.py) many ingests run at once, on any machine: each lands in a dataset of its own, named
after its corpus and part (`landing_for`), keeps its dlt state under a local lock of its own, and publishes into
`raw` while holding the catalog's advisory lock, so publishes take turns; a DuckLake commit conflict with another
writer is retried. A shard killed midway is repaired exactly as above by whichever process runs it again: on the
same machine from the local state; elsewhere, its landed chunks are published and unfinished ones dropped. A
finished ingest drops its landing dataset. The single file keeps one landing dataset and the per-machine lock.

Another process holding the file (a notebook, the DuckDB CLI) stops the run with `WarehouseBusy` naming it; the
chunk stays pending and the re-run finishes it. A pending package that fails again when the re-run loads it is
dropped with a one-line note: its rows never reached `raw`, so its papers are parsed again when their corpus is.
"""

from __future__ import annotations

import hashlib
import shutil
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path

import dlt
import duckdb
from dlt.pipeline.exceptions import PipelineStepFailed
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ingestion.jats import CorpusReader, IngestStats, KnownState, jats_corpus
from ingestion.jats.files import DEFAULT_MAX_FILE_BYTES, Corpus
from ingestion.jats.landing import LANDING, Published, drop_landed, publish
from ingestion.jats.parse import PARSER_VERSION
from ingestion.jats.pending import busy_as_warehouse_busy, dropped_note, first_line, settle_pending
from ingestion.jats.workers import ParsePool
from ingestion.pipeline import duckdb_load_config, make_pipeline
from warehouse.catalog import is_conflict, lake_lock, retry_conflicts
from warehouse.connect import connect
from warehouse.lake import configured_lake
from warehouse.lock import WriterLock
from warehouse.paths import dlt_pipelines_dir

PIPELINE = "jats"
PUBLISH_LOCK = "ptmreuse:publish-raw"  # the catalog's advisory lock every publish into `raw` holds
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


def landing_for(path: Path, part: tuple[int, int] | None = None) -> str:
    """The landing dataset of an ingest: one on the single file; on a lake, one per corpus and part, so that
    concurrent ingests never share a landing dataset (nor, kept in a folder of that name, local dlt state)."""
    if configured_lake() is None:
        return LANDING
    return f"{LANDING}_{hashlib.sha1(f'{path.resolve()}|{part}'.encode()).hexdigest()[:12]}"


def _publish(pipeline: dlt.Pipeline, db_path: Path, stats: IngestStats, first: bool = False) -> None:
    """Publish every finished chunk to `raw`.

    A landed chunk that cannot be published is dropped at the start of a run (`first`), with a note, so that it
    never blocks later loads; during a run, it stops the run (`LoadFailed`) and the next run drops it.
    """
    pending = tuple(pipeline.list_normalized_load_packages())
    landing = pipeline.dataset_name

    def publish_once() -> Published:
        with _connect(db_path) as con:
            return publish(con, pending, landing)

    try:
        with lake_lock(PUBLISH_LOCK):  # taken before the transaction starts, so it reads the latest `raw`
            published = retry_conflicts(publish_once)
    except duckdb.Error as error:
        if not first:
            raise LoadFailed(
                f"publishing a chunk failed ({first_line(error)}): run the ingest again (a chunk that cannot be "
                "published is then dropped and its papers parsed again)"
            ) from error
        with _connect(db_path) as con:  # a new connection: the failed one may be unusable
            papers, corpora = drop_landed(con, pending, landing)
        if papers:
            stats.notes.append(dropped_note(error, papers, corpora))
        return
    if published.replayed_rows:
        stats.notes.append(f"dropped {published.replayed_rows} rows a replayed load job had copied")
    if published.abandoned_rows:
        stats.notes.append(f"dropped {published.abandoned_rows} landed rows of an unfinished chunk")


def _run_chunk(pipeline: dlt.Pipeline, reader: CorpusReader) -> None:
    """Extract, normalize and load one chunk; a load that met another lake writer's commit is loaded again."""
    try:
        pipeline.run(jats_corpus(reader, CHUNK_PAPERS, CHUNK_TEXT), loader_file_format="parquet")
    except PipelineStepFailed as error:
        if not is_conflict(error) or not pipeline.has_pending_data:
            raise
        retry_conflicts(pipeline.load)


def _drop_landing(pipeline: dlt.Pipeline, db_path: Path) -> None:
    """On a lake, a finished ingest leaves nothing behind: its landing dataset and local dlt state go."""

    def drop() -> None:
        with _connect(db_path) as con:
            con.execute(f'drop schema if exists "{pipeline.dataset_name}" cascade')

    retry_conflicts(drop)
    shutil.rmtree(pipeline.pipelines_dir, ignore_errors=True)  # this ingest's own state folder (landing_for)


def _load_chunk(pipeline: dlt.Pipeline, reader: CorpusReader, db_path: Path) -> None:
    try:
        with busy_as_warehouse_busy(db_path):
            _run_chunk(pipeline, reader)
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
    part: tuple[int, int] | None = None,
) -> IngestStats:
    """Load a JATS corpus (directory, zip or one file; `part`: only entries [start, stop) of it, a shard) into
    raw.papers / raw.paper_sections / raw.ingest_rejects.

    `CorpusError` when the corpus cannot be read or holds no JATS file; `WarehouseBusy` when another process
    holds the warehouse (or, on a lake, runs the same ingest); `LoadFailed` when a chunk cannot be loaded.
    """
    console = console or Console(stderr=True)
    corpus = Corpus(path, max_file_bytes, part)
    skipped = dict(corpus.listing().skipped)  # CorpusError before the warehouse is touched
    landing = landing_for(path, part)
    with ExitStack() as held:
        state = None
        if configured_lake() is not None:  # one process per landing dataset and its local state
            state = dlt_pipelines_dir(db_path) / landing  # the pipeline keeps its name: .dlt/config.toml scopes it
            held.enter_context(WriterLock(state, f"ptmreuse ingest jats {path} ({landing})"))
        pipeline = make_pipeline(db_path, PIPELINE, dataset=landing, pipelines_dir=state)
        stats = _ingest(corpus, pipeline, db_path, console, workers)
        stats.skipped = skipped
        if configured_lake() is not None:
            _drop_landing(pipeline, db_path)
    return stats


def _ingest(
    corpus: Corpus, pipeline: dlt.Pipeline, db_path: Path, console: Console, workers: int | None
) -> IngestStats:
    path = corpus.path
    stats = IngestStats()
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
