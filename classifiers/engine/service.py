"""`ptmreuse classify` as a function: open the warehouse, check the server, then estimate or run.

Errors a user can fix are raised as `ClassifyError` with the next step to take; the CLI prints them.
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
from rich.console import Console

from classifiers.document import PaperDocument, load_documents
from classifiers.engine.budget import Budget
from classifiers.engine.estimate import Estimate, describe, estimate_run
from classifiers.engine.progress import RunProgress
from classifiers.engine.rules_run import run_rules
from classifiers.engine.runner import ClassifierEngine, EngineOptions, RunOutcome
from classifiers.llm.openai_backend import OpenAIBackend, OpenAISettings, api_key
from classifiers.llm.prices import price_for
from classifiers.llm.retry import RetryPolicy
from classifiers.llm.schemas import StructuredOutput
from classifiers.protocols import DEFAULT_TOKEN_BUDGET, make_protocol
from classifiers.store import LabelStore, create_label_tables
from warehouse import tables_in


class ClassifyError(Exception):
    """A problem the user can fix; the message says how."""


@dataclass(slots=True)
class ClassifyRequest:
    backend: str = "rules"
    protocol: str = "compact"
    model: str | None = None
    base_url: str | None = None
    structured_output: StructuredOutput = StructuredOutput.JSON_SCHEMA
    concurrency: int = 8
    limit: int | None = None
    dry_run: bool = False
    max_cost_usd: float | None = None
    max_tokens_budget: int | None = None
    token_budget: int = DEFAULT_TOKEN_BUDGET
    temperature: float = 0.0
    seed: int | None = 42
    max_output_tokens: int = 1024
    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None
    timeout_s: float = 120.0
    max_attempts: int = 5
    retry_base_wait_s: float = 1.0


def paper_dois(con: duckdb.DuckDBPyConnection, limit: int | None) -> list[str]:
    if "papers" not in tables_in(con):
        raise ClassifyError(
            "No papers in the warehouse. Load some first: `ptmreuse ingest jats corpus/sample-jats.zip`."
        )
    sql = "select doi from raw.papers order by doi" + (" limit ?" if limit is not None else "")
    return [doi for (doi,) in con.execute(sql, [limit] if limit is not None else []).fetchall()]


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
            "`export OPENAI_BASE_URL=http://127.0.0.1:8080/v1`; or point OPENAI_BASE_URL and OPENAI_API_KEY at a\n"
            "hosted API; or label without a server: `ptmreuse classify --backend rules`."
        ) from exc


def _documents(con: duckdb.DuckDBPyConnection, dois: list[str]) -> Iterator[PaperDocument]:
    return load_documents(con, dois)


def classify(db_path: Path, request: ClassifyRequest, console: Console) -> RunOutcome | Estimate:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(db_path)) as con:  # the run's one connection: reads papers, appends labels
        create_label_tables(con)
        dois = paper_dois(con, request.limit)
        store = LabelStore(con)
        if request.backend == "rules":
            if request.dry_run:
                console.print(f"rules backend: {len(dois):,} papers, no calls, no tokens, no cost.")
                return Estimate(papers=len(dois))
            with RunProgress(console, "rules", len(dois)) as progress:
                return run_rules(store, _documents(con, dois), len(dois), progress.update)
        if request.backend != "openai":
            raise ClassifyError(f"Unknown backend {request.backend!r}: use `--backend rules` or `--backend openai`.")
        return asyncio.run(_classify_llm(con, store, dois, request, console))


async def _classify_llm(
    con: duckdb.DuckDBPyConnection, store: LabelStore, dois: list[str], request: ClassifyRequest, console: Console
) -> RunOutcome | Estimate:
    if not request.model:
        raise ClassifyError(
            "Pass --model NAME (the model your server serves, e.g. gpt-4o-mini, or any name for llama.cpp)."
        )
    settings = OpenAISettings(
        model=request.model,
        structured_output=request.structured_output,
        temperature=request.temperature,
        seed=request.seed,
        max_tokens=request.max_output_tokens,
        retry=RetryPolicy(
            max_attempts=request.max_attempts, base_wait_s=request.retry_base_wait_s, timeout_s=request.timeout_s
        ),
        **({"base_url": request.base_url} if request.base_url else {}),
    )
    price = price_for(settings.model, settings.base_url)
    if request.max_cost_usd is not None and price is None:
        raise ClassifyError(
            f"--max-cost needs a price for {settings.model!r}: add a row to classifiers/model_prices.csv "
            "(or use --max-tokens)."
        )
    protocol = make_protocol(request.protocol, request.token_budget)
    options = EngineOptions(
        concurrency=request.concurrency,
        requests_per_minute=request.requests_per_minute,
        tokens_per_minute=request.tokens_per_minute,
        max_tokens_budget=request.max_tokens_budget,
        max_cost_usd=request.max_cost_usd,
        describe_shape=request.structured_output is StructuredOutput.JSON_OBJECT,
        max_output_tokens=request.max_output_tokens,
    )
    budget = Budget(request.max_tokens_budget, request.max_cost_usd, price)
    backend = OpenAIBackend(settings)
    engine = ClassifierEngine(store, backend, protocol, options, budget)
    if request.dry_run:
        from classifiers.engine.asker import EngineAsker
        from classifiers.engine.limiter import RateLimiter

        asker = EngineAsker(engine.context, backend, budget, RateLimiter(), engine.stats, store.final_answers())
        estimate = await estimate_run(protocol, asker, _documents(con, dois))
        await backend.aclose()
        for line in describe(estimate, price, settings.model):
            console.print(line)
        return estimate
    check_server(settings.base_url)
    with RunProgress(console, f"{protocol.name} · {settings.model}", len(dois)) as progress:
        engine.on_progress = progress.update
        return await engine.run(_documents(con, dois), len(dois))
