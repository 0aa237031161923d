"""Batch runs end to end: rounds of walk → shards → send → wait → collect, recorded like any classifier run.

`run` drives OpenAI's Batch API (or any server implementing its Files and Batches endpoints) until no question is
left open; `export` writes the open requests as JSONL for `vllm run-batch`; `import_results` stores the answers of
its output file; all three keep the configuration's open re-asks in its job state (classifiers.engine.batch.state).
Each command is one run in raw.classifier_runs ("batch" in its configuration says which mode); rows are those of a
synchronous run (classifiers.engine.asker), their call_id naming the batch or file that answered. Only one thread
ever touches the DuckDB connections here, and the warehouse is closed while batches run.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from classifiers.document import paper_batches
from classifiers.engine.batch.asker import BatchAsker, Results
from classifiers.engine.batch.jsonl import read_results, sent_messages, shards, write_atomically
from classifiers.engine.batch.progress import BatchProgress
from classifiers.engine.batch.remote import BatchRemote
from classifiers.engine.batch.state import BatchJob, Shard, open_job
from classifiers.engine.budget import BudgetExhausted
from classifiers.engine.cache import input_hash
from classifiers.engine.runner import ClassifierEngine, RunOutcome
from classifiers.llm.backend import ChatResult, TransportFailure
from classifiers.llm.openai_backend import OpenAIBackend
from warehouse.lock import WarehouseBusy

FLUSH_ROWS = 2000  # rows kept in memory at most before they are appended (each append commits)


def shard_results(job: BatchJob, shard: Shard) -> Results:
    """Every request of an ended batch: its answer, its error line, or — when the server returned neither (an
    expired, cancelled or failed batch, a partial output) — a failure saying so; each with the input hash of the
    messages the shard sent (so collecting does not select the passages again)."""
    source = shard.batch_id or shard.name
    sent = {custom: input_hash(messages) for custom, messages in sent_messages(job.path(shard.name))}
    answers: dict[str, ChatResult | TransportFailure] = {}
    for name in (shard.error_file, shard.output):  # an answer wins over an error line for the same request
        if name:
            answers.update(read_results(job.path(name)))
    why = f" ({shard.errors})" if shard.errors else ""
    missing = TransportFailure("MissingFromBatch", f"batch {source} ended {shard.status} without it{why}")
    return {custom: (source, answers.get(custom, missing), digest) for custom, digest in sent.items()}


def file_results(path: Path) -> Results:
    source = "import-" + hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return {key: (source, result, None) for key, result in read_results(path)}


class BatchRunner:
    def __init__(
        self,
        engine: ClassifierEngine,
        backend: OpenAIBackend,
        dois: list[str],
        db_path: Path,
        reopen: Callable[[], duckdb.DuckDBPyConnection],
    ) -> None:
        self.engine = engine
        self.backend = backend
        self.reader = engine.store.reader()  # papers are read through their own cursor; rows through the store's
        self.reopen = reopen  # a new connection to the warehouse (after waiting with it closed)
        self.dois = dois
        self.job = open_job(db_path, self.job_configuration())
        self.asker = engine.asker(engine.store.final_answers())  # one cache for every round of this command
        self.tried: set[str] = set()
        self.unmatched = 0  # result lines that answered no open question (another configuration's, or repeated)
        self.queued: dict[str, bytes] = {}  # the requests left open after the last round

    def close(self) -> None:
        self.reader.close()

    @contextmanager
    def released(self) -> Iterator[None]:
        """The warehouse closed while the batches run (hours, maybe): meanwhile other processes can read it."""
        self.reader.close()
        self.engine.store.con.close()
        try:
            yield
        finally:
            while True:
                try:
                    self.engine.store.con = self.reopen()
                    break
                except WarehouseBusy:  # someone is reading it: wait for them
                    time.sleep(max(self.engine.options.batch_poll_s, 0.05))
            self.reader = self.engine.store.reader()

    def job_configuration(self) -> dict[str, Any]:
        ctx = self.engine.context
        prompts = {p.name: p.hash for p in self.engine.protocol.prompts()}
        return {"protocol": ctx.protocol, "model": ctx.model, "parameters": ctx.parameters,
                "code_fingerprint": ctx.code_fingerprint, "prompts": prompts}  # fmt: skip

    async def _walk(self, asker: BatchAsker) -> None:
        store, pending = self.engine.store, self.asker.pending
        for batch in paper_batches(self.reader, self.dois, self.engine.options.papers_per_read):
            for doc in batch:
                await self.engine.protocol.label(doc, asker)
            if len(pending) >= FLUSH_ROWS:
                store.append(pending)
                pending.clear()

    def _within_budget(self, queued: dict[str, tuple[bytes, int]]) -> tuple[dict[str, bytes], tuple[int, float]]:
        """The queued requests the budget has room for (in walk order), and their reservation (the worst case).
        Reserved after the walk, so a re-ask queued while its first answer is stored is booked like any request, and
        storing is never cut short."""
        budget = self.engine.budget
        kept: dict[str, bytes] = {}
        tokens, cost = 0, 0.0
        for custom, (line, prompt_tokens) in queued.items():
            try:
                reservation = budget.reserve(prompt_tokens, self.engine.options.max_output_tokens)
            except BudgetExhausted:
                self.engine.stats.budget_stopped = True  # the rest wait for a command with more budget
                break
            kept[custom] = line
            tokens, cost = tokens + reservation[0], cost + reservation[1]
        return kept, (tokens, cost)

    def round(self, results: Results, held: tuple[int, float] = (0, 0.0)) -> tuple[dict[str, bytes], tuple[int, float]]:
        """Walk every paper once: store what `results` answer, return the requests now open (custom_id → line) and
        what the budget reserved for them. `held`, the reservation of the batches that gave `results`, is released
        and the answers' usage booked first, so the new requests are weighed against what was really spent."""
        answers = [result for _, result, _ in results.values() if isinstance(result, ChatResult)]
        self.engine.budget.settle(held, sum(a.input_tokens for a in answers), sum(a.output_tokens for a in answers))
        sources = sorted({source for source, *_ in results.values()})
        recorded = self.engine.store.call_ids_from(sources)
        asker = BatchAsker(self.asker, self.backend.body, results, recorded, self.tried, self.job.reasks)
        try:
            asyncio.run(self._walk(asker))
        finally:
            self.engine.store.append(self.asker.pending)  # what was collected is kept, even if the walk broke
            self.asker.pending.clear()
        self.unmatched += len(results)
        self.queued, reserved = self._within_budget(asker.queued)
        self.tried.update(self.queued)
        return self.queued, reserved

    def recorded(self, mode: str, work: Callable[[], None]) -> RunOutcome:
        """`work` as one run in raw.classifier_runs; its outcome as a synchronous run's."""
        engine = self.engine
        configuration = {**engine.configuration(), "batch": mode}
        backend = self.backend
        engine.store.start_run(engine.run_id, backend.name, engine.protocol.name, backend.model, configuration)
        written_before = engine.store.rows_written
        status, error = "failed", None
        try:
            work()
            status, error = engine.verdict()
        except KeyboardInterrupt:
            status, error = "interrupted", "interrupted (Ctrl-C or a signal)"
            raise
        except Exception as exc:  # the server, a file or the warehouse failed: recorded, and reported as a failed run
            error = f"{type(exc).__name__}: {exc}"[:2000]
        finally:
            engine.stats.papers_total = engine.stats.papers_done = len(self.dois)
            engine.stats.rows_written = engine.store.rows_written - written_before
            engine.store.finish_run(engine.run_id, status, engine.stats.as_dict(), error)
        return RunOutcome(engine.run_id, status, engine.stats, error)

    def run(self, remote: BatchRemote, progress: BatchProgress) -> RunOutcome:
        """Send, wait for and collect rounds of batches until every question is answered or has failed once."""
        job = self.job
        budget = self.engine.budget
        budget.resume(job.spent, job.reserved)  # the caps hold for the job, whichever command resumes it

        def rounds() -> None:
            cache_hits = None
            while True:
                open_shards = job.pending()
                if open_shards:
                    progress.start_round(open_shards[0].round, sum(s.requests for s in open_shards), len(open_shards))
                    with self.released():
                        for shard in open_shards:
                            remote.submit(job, shard)
                        remote.wait(job, open_shards, progress.update)
                results: Results = {}
                for shard in open_shards:
                    results.update(shard_results(job, shard))
                queued, job.reserved = self.round(results, held=job.reserved)
                job.spent = (budget.spent_tokens, budget.spent_cost_usd)
                if cache_hits is None:  # answers already stored before this command
                    cache_hits = self.engine.stats.cache_hits
                for shard in open_shards:
                    shard.collected = True
                number = job.next_round
                for index, data in enumerate(shards(queued.values()), 1):
                    name = f"ptmreuse-{job.folder.name}-r{number}-{index:03d}.jsonl"
                    write_atomically(job.path(name), data)
                    job.shards.append(Shard(name, number, data.count(b"\n")))
                if not queued and not job.reasks and not self.engine.stats.budget_stopped:
                    job.spent = (0, 0.0)  # the job is done: a later command's batches (new papers) start afresh
                job.save()  # collected and new shards, open re-asks and spending in one atomic write
                job.discard_collected()
                if not queued:
                    self.engine.stats.cache_hits = cache_hits
                    return

        return self.recorded("openai", rounds)

    def export(self, directory: Path) -> tuple[RunOutcome, list[tuple[Path, int]]]:
        """Write the open requests as JSONL shards into `directory` (for `vllm run-batch`); nothing is sent.
        Returns the run and each file written with its number of requests."""
        directory.mkdir(parents=True, exist_ok=True)
        written: list[tuple[Path, int]] = []

        def write() -> None:
            queued, _ = self.round({})  # nothing is sent: its reservation lives as long as this command
            tag = hashlib.sha256(b"".join(queued.values())).hexdigest()[:12] if queued else ""
            for index, data in enumerate(shards(queued.values()), 1):
                path = directory / f"requests-{tag}-{index:03d}.jsonl"
                write_atomically(path, data)
                written.append((path, data.count(b"\n")))

        return self.recorded("export", write), written

    def import_results(self, files: list[Path]) -> RunOutcome:
        """Store the answers of result files (OpenAI's output/error files or `vllm run-batch`'s output)."""

        def collect() -> None:
            results: Results = {}
            for path in files:
                results.update(file_results(path))
            self.round(results)
            self.job.save()  # the re-asks of invalid answers stay open for the next export

        return self.recorded("import", collect)
