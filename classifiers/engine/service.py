"""`ptmreuse classify` as a function: open the warehouse, pick protocol and backend, then estimate or run.

Errors a user can fix are raised as `ClassifyError` with the next step to take; a run that failed (a background
task died, or most calls failed: see classifiers.engine.diagnosis) raises `RunFailed` after it was recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, closing
from pathlib import Path

import duckdb
from rich.console import Console

from classifiers.document import PaperDocument, paper_batches
from classifiers.engine.batch.progress import BatchProgress
from classifiers.engine.batch.remote import BatchRemote
from classifiers.engine.batch.runner import BatchRunner
from classifiers.engine.budget import Budget, SharedBudget
from classifiers.engine.estimate import Estimate, describe, estimate_run
from classifiers.engine.progress import RunProgress
from classifiers.engine.runner import ClassifierEngine, RunOutcome
from classifiers.llm.backend import LLMBackend, NoBackend
from classifiers.llm.openai_backend import OpenAIBackend, api_key
from classifiers.llm.prices import price_for
from classifiers.options import ClassifyRequest
from classifiers.protocols import make_protocol
from classifiers.protocols.base import LabelProtocol
from classifiers.protocols.rules import RulesProtocol
from classifiers.store import LabelStore
from warehouse import tables_in
from warehouse.connect import connect
from warehouse.lake import configured_lake


class ClassifyError(Exception):
    """A problem the user can fix; the message says how."""


class RunFailed(ClassifyError):
    """The run was recorded as failed; `outcome` says what it did before."""

    def __init__(self, outcome: RunOutcome) -> None:
        self.outcome = outcome
        super().__init__(f"run {outcome.run_id} failed: {outcome.error}")


def paper_dois(
    con: duckdb.DuckDBPyConnection, limit: int | None, doi_range: tuple[str, str] | None = None
) -> list[str]:
    where = " where doi between ? and ?" if doi_range else ""
    sql = f"select doi from raw.papers{where} order by doi" + (" limit ?" if limit is not None else "")
    parameters = [*(doi_range or ()), *([limit] if limit else [])]
    dois = [] if "papers" not in tables_in(con) else con.execute(sql, parameters).fetchall()
    if not dois:
        raise ClassifyError(
            "No papers in the warehouse. Load some first: `ptmreuse ingest jats corpus/sample-jats.zip`."
        )
    return [doi for (doi,) in dois]


def check_server(base_url: str) -> None:
    """Fail early, with the fix, when nothing answers at the base URL or the key is refused."""
    probe = urllib.request.Request(base_url.rstrip("/") + "/models", headers={"Authorization": f"Bearer {api_key()}"})
    try:
        with urllib.request.urlopen(probe, timeout=10):
            return
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            raise ClassifyError(
                f"The server at {base_url} refused the API key (HTTP {exc.code}): set OPENAI_API_KEY."
            ) from exc
        return  # some servers have no /models; the run itself will tell
    except (urllib.error.URLError, OSError) as exc:
        raise ClassifyError(
            f"No OpenAI-compatible server answers at {base_url} ({type(exc).__name__}).\n"
            "Start a local one, e.g. `.venv/bin/python -m llama_cpp.server --model <file.gguf> --port 8080` and\n"
            "pass `--base-url http://127.0.0.1:8080/v1` (or set OPENAI_BASE_URL); or point them and OPENAI_API_KEY\n"
            "at a hosted API; or label without a server: `ptmreuse classify --backend rules`."
        ) from exc


def _protocol_and_backend(request: ClassifyRequest) -> tuple[LabelProtocol, LLMBackend]:
    if request.backend == "rules":
        return RulesProtocol(), NoBackend("rules")
    if request.backend != "openai":
        raise ClassifyError(f"Unknown backend {request.backend!r}: use `--backend rules` or `--backend openai`.")
    if not request.model:
        raise ClassifyError(
            "Pass --model NAME (the model your server serves, e.g. gpt-4o-mini, or any name for llama.cpp)."
        )
    return make_protocol(request.protocol, request.token_budget), OpenAIBackend(request)


def _budget(request: ClassifyRequest) -> Budget:
    batch = request.batch_mode == "openai"  # the Batch API has its own (lower) price
    price = price_for(request.model, request.base_url, batch=batch) if request.model else None
    if request.max_cost_usd is not None and price is None:
        raise ClassifyError(
            f"--max-cost needs a{' batch' if batch else ''} price for {request.model!r}: add it to "
            "classifiers/model_prices.csv (or use --max-tokens)."
        )
    if request.shared_budget is not None:
        lake = configured_lake()
        if lake is None:
            raise ClassifyError("a shared budget lives in a lake's catalog: set PTMREUSE_WAREHOUSE")
        return SharedBudget(price=price, name=request.shared_budget, lake=lake)
    return Budget(request.max_tokens_budget, request.max_cost_usd, price)


def classify(db_path: Path, request: ClassifyRequest, console: Console) -> RunOutcome | Estimate:
    with ExitStack() as connections:  # a batch run closes the warehouse while it waits, and opens it again
        con = connections.enter_context(connect(db_path))
        dois = paper_dois(con, request.limit, request.doi_range)
        store = LabelStore(con)
        protocol, backend = _protocol_and_backend(request)
        budget = connections.enter_context(closing(_budget(request)))
        engine = ClassifierEngine(store, backend, protocol, request, budget)
        if request.dry_run and isinstance(backend, NoBackend):
            console.print(f"{backend.name} backend: {len(dois):,} papers, no calls, no tokens, no cost.")
            return Estimate(papers=len(dois))
        if request.dry_run:
            return asyncio.run(_estimate(engine, paper_batches(con, dois, request.papers_per_read), console))
        if request.batch_mode is not None:
            if request.batch + (request.export_jsonl is not None) + bool(request.import_results) > 1:
                raise ClassifyError("Use one of --batch, --export-jsonl and --import-results at a time.")
            if not isinstance(backend, OpenAIBackend):
                raise ClassifyError("--batch, --export-jsonl and --import-results need `--backend openai`.")
            runner = BatchRunner(engine, backend, dois, db_path, lambda: connections.enter_context(connect(db_path)))
            outcome = _batch(runner, request, console)
        else:
            outcome = _synchronous(store, engine, backend, dois, request, console)
    if outcome.status == "failed":
        raise RunFailed(outcome)
    return outcome


def _synchronous(
    store: LabelStore,
    engine: ClassifierEngine,
    backend: LLMBackend,
    dois: list[str],
    request: ClassifyRequest,
    console: Console,
) -> RunOutcome:
    if isinstance(backend, OpenAIBackend):
        check_server(request.base_url)
    label = engine.protocol.name if backend.model is None else f"{engine.protocol.name} · {backend.model}"
    protocol = engine.protocol
    # the rules' workers are forked first, before the reader's and the progress bar's threads exist
    workers = protocol.on_workers(request.workers) if isinstance(protocol, RulesProtocol) else contextlib.nullcontext()
    with workers:
        reader = store.reader()  # papers are read in a worker thread: through a connection of their own
        try:
            with RunProgress(console, label, len(dois)) as progress:
                engine.on_progress = progress.update
                batches = paper_batches(reader, dois, request.papers_per_read)
                return asyncio.run(engine.run(batches, len(dois)))
        finally:
            reader.close()


def _batch(runner: BatchRunner, request: ClassifyRequest, console: Console) -> RunOutcome:
    try:
        if request.export_jsonl is not None:
            outcome, files = runner.export(request.export_jsonl)
            for path, requests in files:
                console.print(f"wrote {path} ({requests:,} requests)")
            if not files:
                console.print("no open requests: every question of this configuration is answered")
            return outcome
        if request.import_results:
            outcome = runner.import_results(list(request.import_results))
            if runner.unmatched:
                console.print(f"[yellow]note[/yellow]: {runner.unmatched:,} result lines answer no open question "
                              "(another model or configuration, or already stored)")  # fmt: skip
            if runner.queued:
                console.print(f"{len(runner.queued):,} requests are open (the cascade's next step, or re-asks "
                              "of invalid answers): export them with --export-jsonl, run them alike")  # fmt: skip
            return outcome
        remote = BatchRemote(request)
        try:
            with BatchProgress(console, f"{runner.engine.protocol.name} · {request.model}") as progress:
                return runner.run(remote, progress)
        finally:
            remote.close()
    finally:
        runner.close()
        asyncio.run(runner.backend.aclose())


async def _estimate(engine: ClassifierEngine, batches: Iterator[list[PaperDocument]], console: Console) -> Estimate:
    try:
        estimate = await estimate_run(engine.protocol, engine.asker(engine.store.final_answers()), batches)
    finally:
        await engine.backend.aclose()
    model = engine.backend.model or "-"
    priced = f"{model} at the Batch API price" if engine.options.batch_mode == "openai" else model
    for line in describe(estimate, engine.budget.price, priced):
        console.print(line)
    return estimate
