"""The Asker of one batch round: answers from the store or from collected result files, and queues the rest.

A call already answered (cache) or answered by a collected result line moves the paper's cascade on, exactly as
in a synchronous run (the same validation, rows and cache through EngineAsker.answered / .failed); the first
call of a paper that has neither is queued as a request line and the paper waits for the next round.

An invalid answer is re-asked as the synchronous path re-asks it (the same messages, at most once, rows of attempt
2), in the next round: the re-ask's custom_id is the cache key with the attempt appended, so its rows' call_id
differs from the first request's. Until the re-ask is answered the job's state keeps it open (`reasks`), because the
store then holds the first attempt's parse_error, which a later command would otherwise read as final.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from classifiers.document import PaperDocument
from classifiers.engine.asker import MAX_ATTEMPTS, EngineAsker, answer_kind, reask_due, reask_turns, validate
from classifiers.engine.batch.jsonl import request_line
from classifiers.engine.cache import input_hash
from classifiers.llm.backend import ChatRequest, ChatResult, TransportFailure
from classifiers.protocols.base import Call
from classifiers.store import OK
from classifiers.taxonomy import Task
from classifiers.tokens import count_tokens

# custom_id → (where the answer came from: a batch id or an imported file, the answer or failure, the input hash of
# the messages sent when known)
Results = dict[str, tuple[str, ChatResult | TransportFailure, str | None]]


def custom_id(key: str, attempt: int) -> str:
    """A request's custom_id: the cache key, with the attempt appended for a re-ask."""
    return key if attempt == 1 else f"{key}-{attempt}"


def call_id(source: str, custom: str) -> str:
    """The id of a batched call's rows: which batch (or imported file) answered which request."""
    return f"{source}:{custom}"


class BatchAsker:
    def __init__(
        self,
        inner: EngineAsker,
        body: Callable[[ChatRequest], dict[str, Any]],
        results: Results,
        recorded: set[str],
        tried: set[str],
        reasks: dict[str, list[dict[str, str]]],
    ) -> None:
        self.inner = inner  # cache keys, cache, budget, stats and the row builder of the synchronous path
        self.body = body  # the request body a synchronous call would send (OpenAIBackend.body)
        self.results = results  # consumed as they are stored
        self.recorded = recorded  # call ids already stored (by a run killed while it collected)
        self.tried = tried  # custom_ids sent or answered during this command: never queued again by it
        self.reasks = reasks  # the job's open re-asks (BatchJob.reasks), changed as answers come in
        self.queued: dict[str, tuple[bytes, int]] = {}  # custom_id → (request line, prompt tokens), in walk order

    async def skip(self, doc: PaperDocument, answers: dict[Task, BaseModel]) -> None:
        await self.inner.skip(doc, answers)

    async def decide(self, doc: PaperDocument, answers: dict[Task, BaseModel]) -> None:
        await self.inner.decide(doc, answers)

    def _messages(self, call: Call, key: str) -> list[dict[str, str]]:
        """The messages of the call's open request: the first ask's, plus the re-ask's turns when one is open."""
        first = call.prompt.messages(call.text(), self.inner.options.describe_shape)
        return [*first, *self.reasks.get(key, [])]

    def _queue(self, call: Call, key: str, attempt: int) -> None:
        messages = self._messages(call, key)
        custom = custom_id(key, attempt)
        line = request_line(custom, self.body(ChatRequest(messages, call.prompt.answer_model, custom)))
        self.queued[custom] = (line, sum(count_tokens(message["content"]) for message in messages))

    def _collect(
        self,
        doc: PaperDocument,
        call: Call,
        key: str,
        attempt: int,
        replayed: bool,
        source: str,
        result: ChatResult | TransportFailure,
        sent: str | None,
    ) -> BaseModel | None:
        """Store one result line and act on it as the synchronous path would: the answer, or a re-ask queued. A
        `replayed` line was stored by a command killed before it saved the job: only what it decides is redone."""
        inner = self.inner
        ident = call_id(source, custom_id(key, attempt))
        started = datetime.now(UTC)
        sent = sent or input_hash(self._messages(call, key))  # an imported file does not say what was sent
        if isinstance(result, TransportFailure):
            if not replayed:
                inner.failed(doc, call, key, ident, attempt, sent, result, started)
            return None  # not final: the next command sends it again (an open re-ask stays open)
        if replayed:
            answer, status, error, may_reask = validate(call, result)
        else:
            cost = inner.budget.cost(result.input_tokens, result.output_tokens)  # booked with the round's results
            answer, status, error, may_reask = inner.answered(
                doc, call, key, ident, attempt, sent, result, cost, started
            )
        if answer is None and reask_due(may_reask, attempt):
            self.reasks[key] = reask_turns(result.text, error)
            self._queue(call, key, attempt + 1)
            return None
        self.reasks.pop(key, None)
        if answer is None and not replayed:
            inner.stats.failures.add(answer_kind(status, error), error or status)
        return answer

    async def ask(self, doc: PaperDocument, call: Call) -> BaseModel | None:
        inner = self.inner
        key = inner.key(doc, call.prompt.name, call.prompt.hash)
        attempt = MAX_ATTEMPTS if key in self.reasks else 1  # an open re-ask is the call's last attempt
        custom = custom_id(key, attempt)
        found = self.results.get(custom)
        replayed = found is not None and call_id(found[0], custom) in self.recorded
        cached = inner.cache.get(key)
        # The store's answer is final, unless it is the parse_error of an open re-ask, or the row of a result line
        # whose consequence (its re-ask) a killed command did not save.
        if cached is not None and not replayed and (attempt == 1 or cached[0] == OK):
            inner.stats.cache_hits += 1
            status, parts = cached
            return call.join(parts) if status == OK else None
        if found is not None:
            del self.results[custom]
            self.tried.add(custom)
            return self._collect(doc, call, key, attempt, replayed, *found)
        if custom not in self.tried and custom not in self.queued:
            self._queue(call, key, attempt)
        return None
