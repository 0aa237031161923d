"""The `ptmreuse` command: one sub-command per pipeline step, all on the database in `PTMREUSE_DB`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ptmreuse.dbt import NoPapers, ThreadsOnLake, UnbuildableName, build_warehouse
from ptmreuse.failures import PipelineGroup
from warehouse.lake import Lake, LakeMisconfigured, configured_lake
from warehouse.lock import WriterLock
from warehouse.paths import database_path, quiet_telemetry

if TYPE_CHECKING:
    from classifiers.engine.runner import RunOutcome

EPILOG = (
    "Environment: PTMREUSE_DB is the warehouse file every command (and dbt) uses (default data/warehouse.duckdb); "
    "OPENAI_BASE_URL, OPENAI_API_KEY: the server `classify --backend openai` calls; OPENALEX_API_KEY: OpenAlex.\n\n"
    "Exit codes: 0 done, 1 failed, 2 refused input or nothing to do, 3 warehouse held by another process, "
    "130 interrupted. Tracebacks go to logs/ptmreuse.log beside the warehouse (--verbose prints them)."
)
app = typer.Typer(
    cls=PipelineGroup,
    help="Measure pre-trained model reuse in scientific papers.",
    epilog=EPILOG,
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # failures print one line (ptmreuse.failures); --verbose adds the traceback
)
ingest_app = typer.Typer(help="Load papers and metadata into the raw schema.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")
enqueue_app = typer.Typer(
    help="Split a job into shards for `ptmreuse worker` processes (on a lake).", no_args_is_help=True
)
app.add_typer(enqueue_app, name="enqueue")
queue_app = typer.Typer(help="The lake's shard queue.", no_args_is_help=True)
app.add_typer(queue_app, name="queue")
console = Console(soft_wrap=True)  # a message is one line, also in a log or a pipe (no hard wraps at 80)

# Commands that only read the warehouse; every other command takes the writer lock first.
READ_ONLY_COMMANDS = {"check", "report"}
# On a lake, these write beside other processes (landing datasets of their own, appends, the queue), so the
# per-machine writer lock would only stop two workers on one machine; they coordinate through the catalog instead.
LAKE_CONCURRENT_COMMANDS = {"classify", "enqueue", "worker", "queue", "jats"}


@app.callback()
def _before_every_command(
    ctx: typer.Context,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Print the full traceback when a command fails.")] = (
        False  # read by PipelineGroup, which reports failures
    ),
) -> None:
    """One writer per warehouse: fail fast, with who holds it, instead of a DuckDB lock error mid-run."""
    if ctx.resilient_parsing or "--help" in sys.argv:
        return
    try:
        configured_lake()  # a wrong PTMREUSE_WAREHOUSE stops every command before it starts
    except LakeMisconfigured as error:
        console.print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(2) from error
    _take_writer_lock(ctx)


@ingest_app.callback()
def _before_ingest(ctx: typer.Context) -> None:
    if not (ctx.resilient_parsing or "--help" in sys.argv):
        _take_writer_lock(ctx)


def _take_writer_lock(ctx: typer.Context) -> None:
    """One writer per warehouse file (per machine); `ingest` decides per source, in its own callback."""
    command = ctx.invoked_subcommand
    if command in READ_ONLY_COMMANDS or (command == "ingest" and ctx.parent is None):
        return
    if command in LAKE_CONCURRENT_COMMANDS and configured_lake() is not None:
        return
    lock = WriterLock(database_path()).acquire()  # WarehouseBusy becomes one line and exit 3 (ptmreuse.failures)
    if lock.stale_holder:
        stale = lock.stale_holder
        console.print(f"[yellow]note[/yellow]: `{stale.command}` (pid {stale.pid}) stopped mid-run before this one.")
    ctx.call_on_close(lock.release)


@ingest_app.command("jats")
def ingest_jats(
    path: Annotated[
        Path, typer.Argument(exists=True, help="A directory of JATS files, a zip or tar archive of them, or one.")
    ],
    max_file_mb: Annotated[float, typer.Option(help="Refuse files larger than this (MB).")] = 25.0,
) -> None:
    """Load JATS articles (a directory, a zip or tar archive, or one file) into raw.papers and raw.paper_sections."""
    from ingestion.jats.files import CorpusError
    from ingestion.jats.pipeline import LoadFailed, ingest_jats_corpus
    from ptmreuse.ingest_summaries import print_ingest_summary

    quiet_telemetry()
    try:
        summary = ingest_jats_corpus(path, database_path(), console=console, max_file_bytes=int(max_file_mb * 2**20))
    except CorpusError as error:
        console.print(f"[red]cannot read the corpus[/red]: {error}")
        raise typer.Exit(2) from error
    except LoadFailed as error:
        console.print(f"[red]load failed[/red]: {error}")
        raise typer.Exit(1) from error
    print_ingest_summary(summary, console)


def _web_error(error: Exception) -> typer.Exit:
    """A web-source failure as one red line saying what to do next (exit code 2)."""
    console.print(f"[red]{escape(str(error))}[/red]")  # URLs and [redacted] hold brackets rich would eat
    return typer.Exit(2)


@ingest_app.command("openalex")
def ingest_openalex(
    refresh: Annotated[bool, typer.Option(help="Ask again for DOIs already looked up.")] = False,
    batch_size: Annotated[int, typer.Option(min=1, max=100, help="DOIs per request.")] = 50,
    discover: Annotated[bool, typer.Option(help="Discover works by query instead of enriching known DOIs.")] = False,
    field: Annotated[list[int] | None, typer.Option(help="--discover: OpenAlex field id of the primary topic.")] = None,
    years: Annotated[str | None, typer.Option(help="--discover: publication years, e.g. 2015-2024.")] = None,
    work_type: Annotated[str, typer.Option(help="--discover: OpenAlex work type ('' for any).")] = "article",
    oa_status: Annotated[str | None, typer.Option(help="--discover: oa, gold, green, hybrid, bronze, …")] = None,
    full: Annotated[bool, typer.Option(help="--discover: ignore the last run's updated date.")] = False,
) -> None:
    """Enrich every DOI in raw.papers and raw.search_hits with its OpenAlex work (or --discover works)."""
    from ingestion.openalex.api import Discovery
    from ingestion.openalex.pipeline import discover_works, enrich_dois
    from ingestion.search.queries import parse_years
    from ingestion.web import ServiceError
    from ptmreuse.ingest_summaries import print_openalex_summary

    quiet_telemetry()
    db_path = database_path()
    try:
        if discover:
            span = parse_years(years) if years else []
            first, last = (span[0], span[-1]) if span else (None, None)
            query = Discovery(tuple(field or ()), first, last, work_type or None, oa_status)
            stats = discover_works(db_path, query, incremental=not full, console=console)
        else:
            stats = enrich_dois(db_path, refresh=refresh, batch_size=batch_size, console=console)
    except (ServiceError, ValueError) as error:
        raise _web_error(error) from error
    print_openalex_summary(stats, console)
    if stats.failures:
        raise typer.Exit(1)


@app.command()
def search(
    source: Annotated[list[str] | None, typer.Option(help="plos and/or europepmc (repeatable; default both).")] = None,
    years: Annotated[str, typer.Option(help="Publication years, e.g. 2015-2024 or 2019,2021.")] = "2015-2024",
    keyword: Annotated[list[str] | None, typer.Option(help="Search phrase, repeatable (default: six).")] = None,
    refresh: Annotated[bool, typer.Option(help="Run queries again even when already complete.")] = False,
    europepmc_filter: Annotated[str, typer.Option(help="Extra Europe PMC clause ('' for none).")] = "OPEN_ACCESS:y",
) -> None:
    """Keyword × year candidate search (the study's step 1) into raw.search_hits."""
    from ingestion.search.pipeline import SOURCES, run_search
    from ingestion.search.queries import STUDY_KEYWORDS, parse_years
    from ingestion.web import ServiceError
    from ptmreuse.ingest_summaries import print_search_summary

    quiet_telemetry()
    sources = source or list(SOURCES)
    try:
        if unknown := sorted(set(sources) - set(SOURCES)):
            raise ValueError(f"unknown source {', '.join(unknown)}: use {' or '.join(SOURCES)}")
        stats = run_search(
            database_path(),
            sources,
            keyword or list(STUDY_KEYWORDS),
            parse_years(years),
            refresh=refresh,
            europepmc_filter=europepmc_filter or None,
            console=console,
        )
    except (ServiceError, ValueError) as error:
        raise _web_error(error) from error
    print_search_summary(stats, console)
    if stats.failures:
        raise typer.Exit(1)


@app.command("fetch-fulltext")
def fetch_fulltext_command(
    out: Annotated[Path | None, typer.Option(help="Where fetched XML goes (default: beside the database).")] = None,
    refresh: Annotated[bool, typer.Option(help="Fetch again DOIs already settled.")] = False,
) -> None:
    """Fetch open-access full text (PLOS XML, Europe PMC fullTextXML) for the search hits and load it as JATS."""
    from ingestion.fulltext.pipeline import fetch_fulltext
    from ingestion.web import ServiceError
    from ptmreuse.ingest_summaries import print_fulltext_summary

    quiet_telemetry()
    try:
        stats = fetch_fulltext(database_path(), out_dir=out, refresh=refresh, console=console)
    except ServiceError as error:
        raise _web_error(error) from error
    print_fulltext_summary(stats, console)


@app.command()
def classify(
    backend: Annotated[
        str, typer.Option(help="rules (offline, deterministic) or openai (any OpenAI-compatible server).")
    ] = "rules",
    protocol: Annotated[
        str, typer.Option(help="compact (prefilter + passages, ≤2 calls) or aius (the study's cascade).")
    ] = "compact",
    model: Annotated[str | None, typer.Option(help="Model name the server serves (openai backend).")] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            help="The server's OpenAI-compatible URL (default: $OPENAI_BASE_URL, else http://127.0.0.1:8080/v1); "
            "the API key is read from OPENAI_API_KEY."
        ),
    ] = None,
    structured_output: Annotated[
        str, typer.Option(help="json_schema (OpenAI strict), json_object_schema (llama.cpp) or json_object.")
    ] = "json_schema",
    concurrency: Annotated[int, typer.Option(min=1, help="Papers labelled at once (= requests in flight).")] = 8,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-j", min=1, help="rules backend: processes labelling papers (default: every core)."),
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Only the first N papers (DOI order).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print estimated tokens and cost; call nothing.")] = False,
    max_cost: Annotated[
        float | None,
        typer.Option(help="Stop cleanly before spending more than this (USD); --batch: in the whole job, resumes too."),
    ] = None,
    max_tokens: Annotated[
        int | None,
        typer.Option(help="Stop cleanly before using more tokens than this; --batch: in the whole job, resumes too."),
    ] = None,
    max_output_tokens: Annotated[int, typer.Option(help="max_tokens per request.")] = 1024,
    token_budget: Annotated[int, typer.Option(help="compact: tokens of passages shown per paper.")] = 3000,
    rpm: Annotated[float | None, typer.Option(help="Requests-per-minute limit.")] = None,
    tpm: Annotated[float | None, typer.Option(help="Tokens-per-minute limit.")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds per request attempt.")] = 120.0,
    batch: Annotated[
        bool,
        typer.Option(
            "--batch",
            help="Send the requests as OpenAI Batch jobs (half price, within 24 h); wait and "
            "store the answers. Killed or interrupted: run the same command again to continue.",
        ),
    ] = False,
    poll_interval: Annotated[float, typer.Option(min=0.0, help="--batch: seconds between status checks.")] = 30.0,
    export_jsonl: Annotated[
        Path | None,
        typer.Option(
            help="Write the open requests as Batch JSONL files into this folder (for `vllm run-batch`); send nothing."
        ),
    ] = None,
    import_results: Annotated[
        list[Path] | None,
        typer.Option(exists=True, dir_okay=False, help="Store the answers of a Batch result file (repeatable)."),
    ] = None,
) -> None:
    """Label papers (uses_dl, uses_ptms, PTM list) into raw.llm_labels; reruns reuse finished labels.

    Exits 1 if the run failed (most model calls failed, or a step broke), naming the commonest error and its fix.
    """
    from classifiers.engine.runner import RunOutcome
    from classifiers.engine.service import ClassifyError, RunFailed
    from classifiers.engine.service import classify as run_classify
    from classifiers.options import ClassifyRequest, StructuredOutput
    from warehouse.children import default_workers

    try:
        request = ClassifyRequest(
            backend=backend,
            protocol=protocol,
            model=model,
            structured_output=StructuredOutput(structured_output),
            concurrency=concurrency,
            workers=workers or default_workers(),
            limit=limit,
            dry_run=dry_run,
            max_cost_usd=max_cost,
            max_tokens_budget=max_tokens,
            max_output_tokens=max_output_tokens,
            token_budget=token_budget,
            requests_per_minute=rpm,
            tokens_per_minute=tpm,
            timeout_s=timeout,
            batch=batch,
            batch_poll_s=poll_interval,
            export_jsonl=export_jsonl,
            import_results=tuple(import_results or ()),
            **({"base_url": base_url} if base_url else {}),
        )
        outcome = run_classify(database_path(), request, console)
    except RunFailed as failed:
        _print_run(failed.outcome)
        console.print(f"[red]classify failed:[/red] {escape(failed.outcome.error or '')}")
        console.print("Finished labels are saved; fix the cause and re-run: answered calls are not asked again.")
        raise typer.Exit(1) from failed
    except (ClassifyError, ValueError) as error:
        console.print(f"[red]classify:[/red] {escape(str(error))}")
        raise typer.Exit(2) from error
    if isinstance(outcome, RunOutcome):
        _print_run(outcome)
        if outcome.stats.failures.count:
            summary = outcome.stats.failures.summary(outcome.stats.asked, request)
            console.print(f"[yellow]note[/yellow]: {escape(summary)}")
        if outcome.status == "budget_stopped":
            console.print("Budget reached: raise --max-cost/--max-tokens and rerun; finished labels are kept.")


def _print_run(outcome: RunOutcome) -> None:
    s = outcome.stats
    console.print(
        f"run {outcome.run_id} {outcome.status}: {s.papers_done}/{s.papers_total} papers, {s.calls} calls,"
        f" {s.cache_hits} cached, {s.prefiltered} prefiltered, {s.rows_written} rows,"
        f" {s.input_tokens + s.output_tokens:,} tokens, ${s.cost_usd:.4f}, {s.api_errors} api errors,"
        f" {s.validation_errors} validation errors"
    )


@app.command()
def check(
    docs_dir: Annotated[
        Path | None, typer.Option(help="Data Docs (HTML) folder (default: reports/quality/ or PTMREUSE_QUALITY_DIR).")
    ] = None,
) -> None:
    """Data-quality gate: Great Expectations suites over the raw tables (read-only); exit 1 when a check fails."""
    from quality import run_gate

    if not run_gate(database_path(), console, docs_dir=docs_dir):
        raise typer.Exit(1)


@app.command("eval")
def eval_command(
    run: Annotated[str, typer.Option(help="A run id, or 'latest' (newest run of each protocol/backend/model).")] = (
        "latest"
    ),
    gold: Annotated[
        str,
        typer.Option(
            help="reference (112 bundled papers, tuning and frozen sets; LLM-assisted), aius (study's human), or all."
        ),
    ] = "reference",
    resamples: Annotated[int, typer.Option(min=100, help="Bootstrap resamples for the 95% intervals.")] = 1000,
) -> None:
    """Agreement of classifier runs with gold labels (κ, F1, … with bootstrap CIs) into marts.classifier_agreement."""
    from ptmreuse.evaluate import evaluate_warehouse

    if not evaluate_warehouse(database_path(), console, run=run, gold=gold, resamples=resamples):
        raise typer.Exit(2)


@app.command("fetch-gold-texts")
def fetch_gold_texts_command(
    out: Annotated[Path | None, typer.Option(help="Where fetched XML goes (default: beside the database).")] = None,
) -> None:
    """Fetch the PLOS XML of the study's 110 human-labelled papers (needs network) and load it as JATS."""
    from evaluation.fetch_texts import fetch_gold_texts
    from ingestion.web import ServiceError
    from ptmreuse.ingest_summaries import print_fulltext_summary

    quiet_telemetry()
    try:
        stats = fetch_gold_texts(database_path(), out_dir=out, console=console)
    except ServiceError as error:
        raise _web_error(error) from error
    print_fulltext_summary(stats, console)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def build(ctx: typer.Context) -> None:
    """Run `dbt build` on the same database; extra arguments go to dbt (e.g. `--select staging`)."""
    try:
        code = build_warehouse(database_path(), list(ctx.args), console)
    except (NoPapers, ThreadsOnLake, UnbuildableName) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    if code != 0:
        console.print("[red]dbt build failed[/red]: read the failing model or test above, fix it, and re-run.")
    raise typer.Exit(code)


@app.command("publish")
def publish_command() -> None:
    """Copy the marts into a separate read-only DuckDB file (and Parquet) for BI tools, atomically."""
    from ptmreuse.publish import NothingToPublish, publish
    from ptmreuse.summary import reader_command

    try:
        result = publish(database_path())
    except NothingToPublish as error:
        console.print(f"[red]nothing to publish[/red]: {error}")
        raise typer.Exit(2) from error
    console.print(f"[bold]published[/bold] {len(result.tables)} tables → {result.database}")
    console.print(f"  Parquet in {result.parquet_dir}; open read-only, e.g. `{reader_command(result.database)}`")


@app.command()
def report(
    out: Annotated[
        Path | None, typer.Option(help="Folder for index.html and its PNGs (default: reports/ or PTMREUSE_REPORT_DIR).")
    ] = None,
) -> None:
    """Write a static HTML page with the study's figures (and a PNG per figure) from the marts (read-only)."""
    from report import ReportError, report_dir, write_report

    try:
        result = write_report(database_path(), out or report_dir())
    except ReportError as error:
        console.print(f"[red]no report[/red]: {error}")
        raise typer.Exit(2) from error
    console.print(f"[bold]report[/bold] → {result.index} ({len(result.images)} figures); open it in a browser")
    if result.empty:
        console.print(f"  no data yet for: {', '.join(result.empty)}")


def _lake_for_workers() -> Lake:
    from ptmreuse.workers import NoLake, required_lake

    try:
        return required_lake()
    except NoLake as error:
        console.print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(2) from error


# A shard has fixed costs (the lake attached about seven times, 0.2 s each; a dlt pipeline): 2,000 papers (one
# ingest chunk) spread them thin (bench/scale.py: 250-paper shards ran at about half the rate of 1,500-paper ones).
PAPERS_PER_SHARD = typer.Option(min=1, help="Papers (listed files, for ingest) per shard.")


@enqueue_app.command("ingest")
def enqueue_ingest(
    paths: Annotated[
        list[Path], typer.Argument(exists=True, help="JATS corpora: zip or tar archives, directories or files.")
    ],
    papers_per_shard: Annotated[int, PAPERS_PER_SHARD] = 2000,
    max_file_mb: Annotated[float, typer.Option(help="Refuse files larger than this (MB).")] = 25.0,
) -> None:
    """Queue the corpora's files, cut into shards, for `ptmreuse worker ingest`."""
    from ingestion.jats.files import CorpusError
    from ptmreuse.workers import ingest_shards
    from warehouse.queue import enqueue

    lake = _lake_for_workers()
    try:
        shards = ingest_shards(paths, papers_per_shard, int(max_file_mb * 2**20))
    except CorpusError as error:
        console.print(f"[red]cannot read the corpus[/red]: {error}")
        raise typer.Exit(2) from error
    added = enqueue(lake, shards)
    console.print(f"[bold]enqueued[/bold] {added} of {len(shards)} ingest shards (the rest are queued or done)")


@enqueue_app.command("classify")
def enqueue_classify(
    backend: Annotated[str, typer.Option(help="rules or openai.")] = "rules",
    protocol: Annotated[str, typer.Option(help="compact or aius (openai backend).")] = "compact",
    model: Annotated[str | None, typer.Option(help="Model name the server serves (openai backend).")] = None,
    base_url: Annotated[str | None, typer.Option(help="The server's OpenAI-compatible URL.")] = None,
    structured_output: Annotated[str, typer.Option(help="json_schema, json_object_schema or json_object.")] = (
        "json_schema"
    ),
    concurrency: Annotated[int, typer.Option(min=1, help="Papers labelled at once, per worker.")] = 8,
    max_cost: Annotated[float | None, typer.Option(help="One cap in USD for all workers together.")] = None,
    max_tokens: Annotated[int | None, typer.Option(help="One token cap for all workers together.")] = None,
    papers_per_shard: Annotated[int, PAPERS_PER_SHARD] = 2000,
) -> None:
    """Queue raw.papers, cut into DOI ranges, for `ptmreuse worker classify` (one shared budget)."""
    from classifiers.options import ClassifyRequest, StructuredOutput
    from ptmreuse.workers import classify_shards
    from warehouse.queue import enqueue

    lake = _lake_for_workers()
    request = ClassifyRequest(
        backend=backend,
        protocol=protocol,
        model=model,
        structured_output=StructuredOutput(structured_output),
        concurrency=concurrency,
        max_cost_usd=max_cost,
        max_tokens_budget=max_tokens,
        **({"base_url": base_url} if base_url else {}),
    )
    shards = classify_shards(request, papers_per_shard)
    if not shards:
        console.print("[red]no papers to classify[/red]: run `ptmreuse ingest jats` (or its workers) first")
        raise typer.Exit(2)
    added = enqueue(lake, shards)
    console.print(f"[bold]enqueued[/bold] {added} of {len(shards)} classify shards (the rest are queued or done)")


@app.command()
def worker(
    kind: Annotated[str, typer.Argument(help="ingest or classify: which shards to take.")],
    parse_workers: Annotated[int, typer.Option(min=1, help="ingest: processes parsing XML per worker.")] = 1,
) -> None:
    """Take shards from the lake's queue and process them until none is left (start any number, anywhere)."""
    from ptmreuse.workers import classify_shard, ingest_shard
    from warehouse.queue import KINDS, work

    lake = _lake_for_workers()
    if kind not in KINDS:
        console.print(f"[red]unknown kind {kind!r}[/red]: use {' or '.join(KINDS)}")
        raise typer.Exit(2)
    quiet_telemetry()
    handle = (lambda payload: ingest_shard(payload, parse_workers)) if kind == "ingest" else classify_shard
    done = work(lake, kind, handle)
    console.print(f"[bold]worker[/bold] {kind}: {done} shards done; the queue holds no more")


@queue_app.command("status")
def queue_status() -> None:
    """Progress of the queued jobs, from any machine."""
    from warehouse.queue import status

    lake = _lake_for_workers()
    rows = status(lake)
    if not rows:
        console.print("nothing was enqueued on this lake")
    for row in rows:
        console.print(
            f"{row.kind}: {row.finished}/{row.shards} shards done, {row.running} running, {row.waiting} waiting, "
            f"{row.failed} failed, {row.retried} retried"
        )


@app.command()
def demo() -> None:
    """The whole pipeline on the bundled sample corpus: ingest, label, check, build, evaluate, publish, report."""
    from ptmreuse.demo import DemoStepFailed, run_demo

    quiet_telemetry()
    try:
        run_demo(database_path(), console)
    except UnbuildableName as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    except DemoStepFailed as failed:
        console.print(f"[red]demo stopped[/red]: {failed}")
        raise typer.Exit(1) from failed
