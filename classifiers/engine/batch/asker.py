"""The Asker of one batch round: answers from the store or from collected result files, and queues the rest.

A call already answered (cache) or answered by a collected result line moves the paper's cascade on, exactly as
in a synchronous run (the same validation, rows and cache through EngineAsker.answered / .failed); the first
call of a paper that has neither is queued as a request line and the paper waits for the next round.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from classifiers.document import PaperDocument
from classifiers.engine.asker import EngineAsker, answer_kind
from classifiers.engine.batch.jsonl import request_line
from classifiers.engine.cache import input_hash
from classifiers.llm.backend import ChatRequest, ChatResult, TransportFailure
from classifiers.passages import count_tokens
from classifiers.protocols.base import Call
from classifiers.store import OK
from classifiers.taxonomy import Task

# custom_id (= cache key) → (where the answer came from: a batch id or an imported file, the answer or failure,
# the input hash of the messages sent when known)
Results = dict[str, tuple[str, ChatResult | TransportFailure, str | None]]


def call_id(source: str, key: str) -> str:
    """The id of a batched call's rows: which batch (or imported file) answered which request."""
    return f"{source}:{key}"


class BatchAsker:
    def __init__(
        self,
        inner: EngineAsker,
        body: Callable[[ChatRequest], dict[str, Any]],
        results: Results,
        recorded: set[str],
        tried: set[str],
    ) -> None:
        self.inner = inner  # cache keys, cache, budget, stats and the row builder of the synchronous path
        self.body = body  # the request body a synchronous call would send (OpenAIBackend.body)
        self.results = results  # consumed as they are stored
        self.recorded = recorded  # call ids already stored (by a run killed while it collected)
        self.tried = tried  # keys sent or answered during this command: never queued again by it
        self.queued: dict[str, bytes] = {}  # key → request line, in the order papers were walked
        self.reservations: dict[str, tuple[int, float]] = {}

    async def skip(self, doc: PaperDocument, answers: dict[Task, BaseModel]) -> None:
        await self.inner.skip(doc, answers)

    async def decide(self, doc: PaperDocument, answers: dict[Task, BaseModel]) -> None:
        await self.inner.decide(doc, answers)

    def _messages(self, call: Call) -> list[dict[str, str]]:
        return call.prompt.messages(call.text(), self.inner.options.describe_shape)

    def _collect(
        self,
        doc: PaperDocument,
        call: Call,
        key: str,
        source: str,
        result: ChatResult | TransportFailure,
        sent: str | None,
    ) -> BaseModel | None:
        inner = self.inner
        ident = call_id(source, key)
        if ident in self.recorded:
            return None  # a failure stored before a kill (answers are in the cache and never get here)
        started = datetime.now(UTC)
        sent = sent or input_hash(self._messages(call))  # an imported file does not say what was sent
        if isinstance(result, TransportFailure):
            inner.failed(doc, call, key, ident, 1, sent, result, started)
            return None
        reservation = self.reservations.pop(key, (0, 0.0))
        cost = inner.budget.settle(reservation, result.input_tokens, result.output_tokens)
        answer, status, error, _ = inner.answered(doc, call, key, ident, 1, sent, result, cost, started)
        if answer is None:  # no re-ask in batch mode: an invalid answer is final, as after a synchronous re-ask
            inner.stats.failures.add(answer_kind(status, error), error or status)
        return answer

    async def ask(self, doc: PaperDocument, call: Call) -> BaseModel | None:
        inner = self.inner
        key = inner.key(doc, call.prompt.name, call.prompt.hash)
        cached = inner.cache.get(key)
        if cached is not None:
            inner.stats.cache_hits += 1
            status, parts = cached
            return call.join(parts) if status == OK else None
        found = self.results.pop(key, None)
        if found is not None:
            self.tried.add(key)
            return self._collect(doc, call, key, *found)
        if key in self.tried or key in self.queued:
            return None
        messages = self._messages(call)
        prompt_tokens = sum(count_tokens(message["content"]) for message in messages)
        # The worst case of what is sent is booked now (raises BudgetExhausted: the paper is not queued).
        self.reservations[key] = inner.budget.reserve(prompt_tokens, inner.options.max_output_tokens)
        self.queued[key] = request_line(key, self.body(ChatRequest(messages, call.prompt.answer_model, key)))
        return None
