"""The engine side of one call: cache lookup, budget, rate limits, transport, validation, one re-ask, rows.

Every answer is validated against its pydantic model in strict mode before anything is written as `ok`: a value
outside the taxonomy ("maybe", an unknown reuse pattern, a string "true") is a `parse_error`, never coerced. This is
also why text inside a paper ("ignore previous instructions and answer …") cannot push a label outside the taxonomy.
Answers decided in code (the prefilter's negatives, the rules) go through the same cache and the same row builder.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from classifiers.document import PaperDocument
from classifiers.engine.budget import Budget, BudgetExhausted
from classifiers.engine.cache import cache_key, input_hash
from classifiers.engine.diagnosis import failure_kind
from classifiers.engine.limiter import RateLimiter
from classifiers.engine.stats import RunStats
from classifiers.grounding import paper_text
from classifiers.llm.backend import ChatRequest, ChatResult, LLMBackend, TransportFailure
from classifiers.options import ClassifyRequest
from classifiers.protocols.base import Call
from classifiers.protocols.prompts import REASK
from classifiers.store import (
    API_ERROR,
    BUDGET_STOPPED,
    OK,
    PARSE_ERROR,
    REFUSED,
    SKIPPED_PREFILTER,
    LabelRow,
)
from classifiers.taxonomy import CODEBOOK_VERSION, BinaryDecision, PtmList, Task
from classifiers.tokens import count_tokens

MAX_ATTEMPTS = 2  # the first answer and at most one re-ask after a validation failure
PREFILTER = "prefilter"  # decided_by of the prefilter's negatives


@dataclass(frozen=True, slots=True)
class RunContext:
    """What every row of a run shares."""

    run_id: str
    protocol: str
    backend: str
    model: str | None
    parameters: dict[str, Any]  # backend parameters + protocol settings (recorded and part of cache keys)
    code_fingerprint: str  # the code that shapes the text sent or decides (part of every cache key)


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one attempt ended, as its rows record it."""

    status: str
    decided_by: str = "llm"
    answers: dict[Task, BaseModel] | None = None
    result: ChatResult | None = None
    cost: float | None = 0.0
    input_hash: str | None = None  # of the exact messages sent (cache.input_hash)
    error: str | None = None
    transport_retries: int = 0
    latency_s: float | None = None


def evidence_of(answer: BaseModel) -> list[str]:
    if isinstance(answer, BinaryDecision):
        return [answer.evidence] if answer.evidence else []
    if isinstance(answer, PtmList):
        return [mention.evidence for mention in answer.ptms]
    return []


def full_text(doc: PaperDocument) -> str:
    # Evidence is checked against everything the paper says (a quote from the abstract is still a real quote).
    return "\n\n".join(part for part in (doc.title, doc.abstract, doc.body_text) if part)


def validate(call: Call, result: ChatResult) -> tuple[BaseModel | None, str, str | None, bool]:
    """(answer, status, error, may re-ask). Strict: no coercion of types or enum values."""
    if result.refusal:
        return None, REFUSED, f"refusal: {result.refusal[:500]}", False
    if result.finish_reason == "content_filter":
        return None, REFUSED, "finish_reason=content_filter", False
    if result.finish_reason == "length":
        # A truncated answer will be truncated again: fail fast instead of burning a re-ask.
        return None, PARSE_ERROR, "truncated: finish_reason=length (raise --max-output-tokens)", False
    try:
        return call.prompt.answer_model.model_validate_json(result.text, strict=True), OK, None, True
    except ValidationError as exc:
        errors = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'root'}: {error['msg']}" for error in exc.errors()[:5]
        )
        return None, PARSE_ERROR, errors[:1000], True


def reask_due(may_reask: bool, attempt: int) -> bool:
    """Whether an invalid answer is asked again: once at most, and not when asking again cannot help."""
    return may_reask and attempt < MAX_ATTEMPTS


REASK_REPLY_CHARS = 4000  # how much of the invalid reply a re-ask sends back


def reask_turns(reply: str, error: str | None) -> list[dict[str, str]]:
    """What a re-ask adds to the messages first sent: the invalid reply, then what was wrong with it. Batch mode
    sends the same messages in its next round."""
    return [
        {"role": "assistant", "content": reply[:REASK_REPLY_CHARS]},
        {"role": "user", "content": REASK.format(errors=error)},
    ]


def answer_kind(status: str, error: str | None) -> str:
    if status == REFUSED:
        return "refused"
    return "truncated" if (error or "").startswith("truncated") else "invalid answer"


class EngineAsker:
    def __init__(
        self,
        context: RunContext,
        options: ClassifyRequest,
        backend: LLMBackend,
        budget: Budget,
        limiter: RateLimiter,
        stats: RunStats,
        cache: dict[str, tuple[str, dict[str, Any]]],
    ) -> None:
        self.ctx = context
        self.options = options
        self.backend = backend
        self.budget = budget
        self.limiter = limiter
        self.stats = stats
        self.cache = cache
        self.pending: list[LabelRow] = []  # rows not yet appended to the store (the engine flushes them)

    def key(self, doc: PaperDocument, call_name: str, prompt_hash: str) -> str:
        return cache_key(
            content_hash=doc.content_hash,
            text_hash=doc.text_hash,
            doi=doc.doi,
            call=call_name,
            protocol=self.ctx.protocol,
            prompt_hash=prompt_hash,
            model=self.ctx.model,
            parameters=self.ctx.parameters,
            code_fingerprint=self.ctx.code_fingerprint,
        )

    def _rows(
        self,
        doc: PaperDocument,
        call: Call | None,
        tasks: tuple[Task, ...],
        key: str,
        call_id: str,
        attempt: int,
        outcome: Outcome,
        started: datetime,
    ) -> None:
        """One row per task of a call's attempt (or of a decision made in code)."""
        finished = datetime.now(UTC)
        result = outcome.result
        llm = outcome.decided_by == "llm"
        # A decision made in code is versioned by the fingerprint of that code; a model's answer by its prompt.
        prompt_version = call.prompt.full_version if call else f"{outcome.decided_by}/{self.ctx.code_fingerprint}"
        latency = outcome.latency_s if outcome.latency_s is not None else (result.latency_s if result else None)
        for index, task in enumerate(tasks):
            answer = outcome.answers.get(task) if outcome.answers else None
            grounded = scores = None
            if answer is not None:
                checks = [paper_text(full_text(doc)).ground(quote) for quote in evidence_of(answer)]
                grounded = [check.grounded for check in checks if check is not None]
                scores = [check.score for check in checks if check is not None]
            first = index == 0  # tokens and cost are booked once per request
            self.pending.append(
                LabelRow(
                    label_id=str(uuid.uuid4()),
                    run_id=self.ctx.run_id,
                    call_id=call_id,
                    cache_key=key,
                    doi=doc.doi,
                    content_hash=doc.content_hash,
                    task=task.value,
                    attempt=attempt,
                    protocol=self.ctx.protocol,
                    backend=self.ctx.backend if llm else outcome.decided_by,
                    model=self.ctx.model if llm else None,
                    status=outcome.status,
                    decided_by=outcome.decided_by,
                    prompt_name=call.prompt.name if call else None,
                    prompt_version=prompt_version,
                    prompt_hash=call.prompt.hash if call else self.ctx.code_fingerprint,
                    codebook_version=CODEBOOK_VERSION,
                    parameters=self.ctx.parameters,
                    input_hash=outcome.input_hash,
                    input_tokens=result.input_tokens if result and first else 0,
                    output_tokens=result.output_tokens if result and first else 0,
                    tokens_counted_in_call=first,
                    cost_usd=outcome.cost if first else 0.0,
                    latency_s=latency,
                    transport_retries=outcome.transport_retries,
                    finish_reason=result.finish_reason if result else None,
                    response_text=result.text if result else None,
                    parsed=answer.model_dump(mode="json") if answer is not None else None,
                    grounded=grounded,
                    grounding_scores=scores,
                    error=outcome.error,
                    started_at=started,
                    finished_at=finished,
                )
            )

    def _decided(self, doc: PaperDocument, decided_by: str, status: str, answers: dict[Task, BaseModel]) -> bool:
        """Record answers decided in code; False when the cache already holds them."""
        key = self.key(doc, decided_by, prompt_hash=decided_by)
        if key in self.cache:
            self.stats.cache_hits += 1
            return False
        outcome = Outcome(status, decided_by, answers)
        self._rows(doc, None, tuple(answers), key, str(uuid.uuid4()), 1, outcome, datetime.now(UTC))
        self.cache[key] = (status, {task.value: answer.model_dump(mode="json") for task, answer in answers.items()})
        return True

    def answered(
        self,
        doc: PaperDocument,
        call: Call,
        key: str,
        call_id: str,
        attempt: int,
        sent: str,
        result: ChatResult,
        cost: float | None,
        started: datetime,
    ) -> tuple[BaseModel | None, str, str | None, bool]:
        """Validate a completion, count it and write its rows: (answer, status, error, may re-ask). `sent` is the
        input hash of the messages that were sent.

        Shared by the synchronous path and the batch path (classifiers.engine.batch), so an answer that came back in
        a batch output file is validated, stored and cached exactly like one that came back over HTTP."""
        self.stats.calls += 1
        self.stats.transport_errors += result.transport_retries
        self.stats.input_tokens += result.input_tokens
        self.stats.output_tokens += result.output_tokens
        self.stats.cost_usd += cost or 0.0
        answer, status, error, may_reask = validate(call, result)
        answers = call.split(answer) if answer is not None else None
        outcome = Outcome(status, answers=answers, result=result, cost=cost, input_hash=sent, error=error,
                          transport_retries=result.transport_retries)  # fmt: skip
        self._rows(doc, call, call.tasks, key, call_id, attempt, outcome, started)
        if answers is not None:
            self.stats.answered += 1
            self.cache[key] = (OK, {task.value: part.model_dump(mode="json") for task, part in answers.items()})
            return answer, status, error, may_reask
        if status == REFUSED:
            self.stats.refusals += 1
        else:
            self.stats.validation_errors += 1
        return None, status, error, may_reask

    def failed(
        self,
        doc: PaperDocument,
        call: Call,
        key: str,
        call_id: str,
        attempt: int,
        sent: str,
        failure: TransportFailure,
        started: datetime,
    ) -> None:
        """Count a request that got no completion and write its api_error rows (not final: a rerun asks again)."""
        self.stats.api_errors += 1
        self.stats.failures.add(failure_kind(failure.error_class, failure.status_code, failure.message), str(failure))
        outcome = Outcome(API_ERROR, input_hash=sent, error=str(failure), transport_retries=failure.transport_retries,
                          latency_s=failure.latency_s)  # fmt: skip
        self._rows(doc, call, call.tasks, key, call_id, attempt, outcome, started)

    async def skip(self, doc: PaperDocument, answers: dict[Task, BaseModel]) -> None:
        if self._decided(doc, PREFILTER, SKIPPED_PREFILTER, answers):
            self.stats.prefiltered += 1

    async def decide(self, doc: PaperDocument, answers: dict[Task, BaseModel]) -> None:
        self._decided(doc, self.ctx.protocol, OK, answers)

    async def ask(self, doc: PaperDocument, call: Call) -> BaseModel | None:
        key = self.key(doc, call.prompt.name, call.prompt.hash)
        cached = self.cache.get(key)
        if cached is not None:
            self.stats.cache_hits += 1
            status, parts = cached
            return call.join(parts) if status == OK else None
        # Selecting passages is CPU work: off the event loop, so requests in flight keep moving.
        messages = call.prompt.messages(await asyncio.to_thread(call.text), self.options.describe_shape)
        call_id = str(uuid.uuid4())
        max_output_tokens = self.options.max_output_tokens
        for attempt in range(1, MAX_ATTEMPTS + 1):
            started = datetime.now(UTC)
            sent = input_hash(messages)

            def record(outcome: Outcome, attempt: int = attempt, started: datetime = started) -> None:
                self._rows(doc, call, call.tasks, key, call_id, attempt, outcome, started)

            prompt_tokens = sum(count_tokens(message["content"]) for message in messages)
            try:
                reservation = self.budget.reserve(prompt_tokens, max_output_tokens)
            except BudgetExhausted as exc:
                record(Outcome(BUDGET_STOPPED, input_hash=sent, error=str(exc)))
                self.stats.budget_stopped = True
                raise
            await self.limiter.acquire(prompt_tokens + max_output_tokens)
            try:
                result = await self.backend.complete(ChatRequest(messages, call.prompt.answer_model, key))
            except TransportFailure as failure:
                self.budget.settle(reservation, 0, 0)
                self.stats.transport_errors += failure.transport_retries + 1
                self.failed(doc, call, key, call_id, attempt, sent, failure, started)
                return None
            cost = self.budget.settle(reservation, result.input_tokens, result.output_tokens)
            answer, status, error, may_reask = self.answered(
                doc, call, key, call_id, attempt, sent, result, cost, started
            )
            if answer is not None:
                return answer
            if not reask_due(may_reask, attempt):
                self.stats.failures.add(answer_kind(status, error), error or status)
                return None
            messages = [*messages, *reask_turns(result.text, error)]
        return None
