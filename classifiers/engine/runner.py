"""The one run loop, for every backend: read papers, label them with bounded concurrency, persist, record the run.

Concurrency is per paper: N workers each walk one paper's cascade, so at most N requests are in flight. Papers are
read a batch at a time in a worker thread through a connection of their own, and finished rows are appended every
`flush_interval_s` (and at the end) in another thread through the store's connection: no DuckDB connection is ever
used by two threads at once. Each append commits, so a `kill -9` loses only the calls in flight and rows younger
than one flush interval; the rerun answers everything else from the cache.

The reader, the flusher and the workers run in one task group: if any of them fails, the others are cancelled at
once (no call is paid for after persistence stopped), what was answered is saved, and the run is recorded as failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from classifiers.document import PaperDocument
from classifiers.engine.asker import EngineAsker, RunContext
from classifiers.engine.budget import Budget, BudgetExhausted
from classifiers.engine.diagnosis import RunStopped, hopeless, run_failed
from classifiers.engine.fingerprint import code_fingerprint
from classifiers.engine.limiter import RateLimiter
from classifiers.engine.stats import RunStats
from classifiers.llm.backend import LLMBackend
from classifiers.options import ClassifyRequest
from classifiers.protocols.base import LabelProtocol
from classifiers.store import LabelStore

T = TypeVar("T")


@dataclass(slots=True)
class RunOutcome:
    run_id: str
    status: str  # finished | budget_stopped | failed | interrupted
    stats: RunStats
    error: str | None = None  # why a failed run failed (also in raw.classifier_runs.error)


def first_error(error: BaseException) -> BaseException:
    """The first real error inside (nested) exception groups."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error


async def _in_thread(func: Callable[..., T], *args: Any) -> T:
    """`func` in a worker thread; if the caller is cancelled, wait for the thread to end first (it holds a DuckDB
    connection that must not be closed or reused under it)."""
    future = asyncio.ensure_future(asyncio.to_thread(func, *args))
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        await asyncio.wait([future])
        raise


class ClassifierEngine:
    def __init__(
        self,
        store: LabelStore,
        backend: LLMBackend,
        protocol: LabelProtocol,
        options: ClassifyRequest,
        budget: Budget,
        on_progress: Callable[[RunStats], None] | None = None,
    ) -> None:
        self.store = store
        self.backend = backend
        self.protocol = protocol
        self.options = options
        self.budget = budget
        self.on_progress = on_progress or (lambda stats: None)
        self.stats = RunStats()
        self.run_id = str(uuid.uuid4())
        self.context = RunContext(
            run_id=self.run_id,
            protocol=protocol.name,
            backend=backend.name,
            model=backend.model,
            parameters={**backend.parameters(), **protocol.settings()},
            code_fingerprint=code_fingerprint(type(protocol).__module__),
        )

    def asker(self, cache: dict[str, tuple[str, dict[str, Any]]]) -> EngineAsker:
        limiter = RateLimiter(self.options.requests_per_minute, self.options.tokens_per_minute)
        return EngineAsker(self.context, self.options, self.backend, self.budget, limiter, self.stats, cache)

    def configuration(self) -> dict[str, Any]:
        o = self.options
        prompts = self.protocol.prompts()
        record: dict[str, Any] = {
            "parameters": self.context.parameters,
            "prompts": {p.name: {"version": p.full_version, "hash": p.hash} for p in prompts},
            "code_fingerprint": self.context.code_fingerprint,
            "concurrency": o.concurrency,
            "requests_per_minute": o.requests_per_minute,
            "tokens_per_minute": o.tokens_per_minute,
            "max_tokens_budget": o.max_tokens_budget,
            "max_cost_usd": o.max_cost_usd,
        }
        if not prompts:  # decided in code (the rules): that code is its version, as staging and evaluation read it
            record["rules_fingerprint"] = self.context.code_fingerprint
        return record

    async def _flush(self, asker: EngineAsker) -> None:
        if asker.pending:
            rows, asker.pending = asker.pending, []
            try:
                await _in_thread(self.store.append, rows)
            except Exception:
                asker.pending[:0] = rows  # paid for: the final save at the end of the run tries them again
                raise

    async def _label_all(self, asker: EngineAsker, batches: Iterator[list[PaperDocument]]) -> None:
        workers_n = max(1, self.options.concurrency)
        queue: asyncio.Queue[PaperDocument | None] = asyncio.Queue(maxsize=workers_n * 2)
        labelled = asyncio.Event()

        async def produce() -> None:
            while not self.budget.exhausted and (batch := await _in_thread(next, batches, None)) is not None:
                for doc in batch:
                    if self.budget.exhausted:
                        break  # papers not started stay unlabelled and a rerun picks them up
                    await queue.put(doc)
            for _ in range(workers_n):
                await queue.put(None)

        async def work() -> None:
            while (doc := await queue.get()) is not None:
                if self.budget.exhausted:
                    continue
                try:
                    await self.protocol.label(doc, asker)
                except BudgetExhausted:
                    continue
                self.stats.papers_done += 1
                self.on_progress(self.stats)
                if hopeless(self.stats.asked, self.stats.failures.count):
                    raise RunStopped(self.stats.failures.summary(self.stats.asked, self.options))

        async def flush_until_labelled() -> None:
            while not labelled.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(labelled.wait(), self.options.flush_interval_s)
                await self._flush(asker)

        async with asyncio.TaskGroup() as group:  # a failing flusher cancels the labelling, and the reverse
            group.create_task(flush_until_labelled())
            async with asyncio.TaskGroup() as labelling:
                labelling.create_task(produce())
                for _ in range(workers_n):
                    labelling.create_task(work())
            labelled.set()

    def verdict(self) -> tuple[str, str | None]:
        stats = self.stats
        if stats.budget_stopped:
            return "budget_stopped", None
        if run_failed(stats.asked, stats.failures.count):
            return "failed", stats.failures.summary(stats.asked, self.options)
        return "finished", None

    async def run(self, batches: Iterator[list[PaperDocument]], total: int) -> RunOutcome:
        """Label the papers of `batches` (lists of papers, read lazily); the outcome says how the run ended."""
        self.stats.papers_total = total
        self.store.start_run(
            self.run_id, self.backend.name, self.protocol.name, self.backend.model, self.configuration()
        )
        written_before = self.store.rows_written
        asker = self.asker(self.store.final_answers())
        status, error = "failed", None
        try:
            await self._label_all(asker, batches)
            status, error = self.verdict()
        except (asyncio.CancelledError, KeyboardInterrupt):
            status, error = "interrupted", "interrupted (Ctrl-C or a signal)"
            raise
        except Exception as exc:  # the reader, the flusher or a worker failed (or stopped the run); all stopped
            cause = first_error(exc)
            error = (
                f"stopped early: {cause}" if isinstance(cause, RunStopped) else f"{type(cause).__name__}: {cause}"
            )[:2000]
        finally:
            try:
                self.store.append(asker.pending)  # the flusher has stopped: nothing else uses the connection
            except Exception as exc:
                if status != "interrupted":
                    status = "failed"
                error = f"{error + '; ' if error else ''}last rows not saved: {type(exc).__name__}: {exc}"[:2000]
            self.stats.rows_written = self.store.rows_written - written_before
            self.store.finish_run(self.run_id, status, self.stats.as_dict(), error)
            self.on_progress(self.stats)
            await self.backend.aclose()
        return RunOutcome(self.run_id, status, self.stats, error)
