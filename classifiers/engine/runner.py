"""Run a protocol over papers: bounded concurrency, small-batch persistence, clean stops, one run record.

Concurrency is per paper: N workers each walk one paper's cascade, so at most N requests are in flight. Finished
rows are appended every `flush_interval_s` (and at the end), each append its own transaction: a `kill -9` loses only
the calls in flight and rows younger than one flush interval, and the rerun answers everything else from the cache.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from classifiers.document import PaperDocument
from classifiers.engine.asker import EngineAsker, RunContext
from classifiers.engine.budget import Budget, BudgetExhausted
from classifiers.engine.cache import local_fingerprint
from classifiers.engine.limiter import RateLimiter
from classifiers.engine.stats import RunStats
from classifiers.llm.backend import LLMBackend
from classifiers.llm.openai_backend import api_key
from classifiers.protocols.base import LabelProtocol
from classifiers.store import LabelStore


@dataclass(slots=True)
class EngineOptions:
    concurrency: int = 8
    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None
    max_tokens_budget: int | None = None
    max_cost_usd: float | None = None
    flush_interval_s: float = 0.2
    describe_shape: bool = False
    max_output_tokens: int = 1024
    extra_configuration: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class RunOutcome:
    run_id: str
    status: str
    stats: RunStats


def _count_tokens() -> Callable[[str], int]:
    from classifiers.passages import count_tokens

    return count_tokens


class ClassifierEngine:
    def __init__(
        self,
        store: LabelStore,
        backend: LLMBackend,
        protocol: LabelProtocol,
        options: EngineOptions,
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
        parameters = {**backend.parameters(), **protocol.settings()}
        self.context = RunContext(
            run_id=self.run_id,
            protocol=protocol.name,
            backend=backend.name,
            model=backend.model,
            parameters=parameters,
            describe_shape=options.describe_shape,
            max_output_tokens=options.max_output_tokens,
            count_tokens=_count_tokens(),
            local_fingerprint=local_fingerprint(),
            secrets=(api_key(),),
        )

    def configuration(self) -> dict[str, Any]:
        o = self.options
        return {
            "parameters": self.context.parameters,
            "prompts": {p.name: {"version": p.full_version, "hash": p.hash} for p in self.protocol.prompts()},
            "concurrency": o.concurrency,
            "requests_per_minute": o.requests_per_minute,
            "tokens_per_minute": o.tokens_per_minute,
            "max_tokens_budget": o.max_tokens_budget,
            "max_cost_usd": o.max_cost_usd,
            **o.extra_configuration,
        }

    def _flush(self) -> None:
        if self.context.pending:
            rows, self.context.pending = self.context.pending, []
            self.stats.rows_written += self.store.append(rows)

    async def _flush_in_thread(self) -> None:
        # DuckDB releases the GIL while it inserts: the event loop keeps serving requests meanwhile.
        if self.context.pending:
            rows, self.context.pending = self.context.pending, []
            self.stats.rows_written += await asyncio.to_thread(self.store.append, rows)

    async def run(self, documents: Iterable[PaperDocument], total: int) -> RunOutcome:
        self.stats.papers_total = total
        self.store.start_run(
            self.run_id, self.backend.name, self.protocol.name, self.backend.model, self.configuration()
        )
        cache = self.store.final_answers()
        limiter = RateLimiter(self.options.requests_per_minute, self.options.tokens_per_minute)
        asker = EngineAsker(self.context, self.backend, self.budget, limiter, self.stats, cache)
        queue: asyncio.Queue[PaperDocument | None] = asyncio.Queue(maxsize=self.options.concurrency * 2)
        workers_n = max(1, self.options.concurrency)
        done = asyncio.Event()

        async def produce() -> None:
            try:
                for doc in documents:
                    if self.budget.exhausted:
                        break
                    await queue.put(doc)
            finally:
                for _ in range(workers_n):
                    await queue.put(None)

        async def work() -> None:
            while (doc := await queue.get()) is not None:
                if self.budget.exhausted:
                    continue  # drain: papers not started stay unlabelled and a rerun picks them up
                try:
                    await self.protocol.label(doc, asker)
                except BudgetExhausted:
                    continue
                self.stats.papers_done += 1
                self.on_progress(self.stats)

        async def flush_periodically() -> None:
            while not done.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(done.wait(), self.options.flush_interval_s)
                await self._flush_in_thread()

        status, error = "failed", None
        flusher = asyncio.create_task(flush_periodically())
        try:
            async with asyncio.TaskGroup() as group:  # one failing worker cancels the others
                group.create_task(produce())
                for _ in range(workers_n):
                    group.create_task(work())
            status = "budget_stopped" if self.stats.budget_stopped else "finished"
        except (asyncio.CancelledError, KeyboardInterrupt):
            status = "interrupted"
            raise
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
            raise
        finally:
            done.set()
            await flusher
            self._flush()
            self.store.finish_run(self.run_id, status, self.stats.as_dict(), error)
            self.on_progress(self.stats)
            await self.backend.aclose()
        return RunOutcome(self.run_id, status, self.stats)
