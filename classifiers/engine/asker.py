"""The engine side of one call: cache lookup, budget, rate limits, transport, validation, one re-ask, rows.

Every answer is validated against its pydantic model in strict mode before anything is written as `ok`: a value
outside the taxonomy ("maybe", an unknown reuse pattern, a string "true") is a `parse_error`, never coerced. This is
also why text inside a paper ("ignore previous instructions and answer …") cannot push a label outside the taxonomy.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from classifiers.document import PaperDocument
from classifiers.engine.budget import Budget, BudgetExhausted
from classifiers.engine.cache import cache_key, input_hash
from classifiers.engine.limiter import RateLimiter
from classifiers.engine.stats import RunStats
from classifiers.grounding import paper_text
from classifiers.llm.backend import ChatRequest, ChatResult, LLMBackend, TransportFailure
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

MAX_ATTEMPTS = 2  # the first answer and at most one re-ask after a validation failure


@dataclass(slots=True)
class RunContext:
    """What every row of a run shares."""

    run_id: str
    protocol: str
    backend: str
    model: str | None
    parameters: dict[str, Any]  # backend parameters + protocol settings (recorded and part of cache keys)
    describe_shape: bool  # put the answer shape in the prompt (JSON-object mode, where nothing enforces it)
    max_output_tokens: int
    count_tokens: Any  # the shared tokenizer: classifiers.passages.count_tokens
    local_fingerprint: str = ""  # fingerprint of prefilter/passages/rules code (part of every cache key)
    secrets: tuple[str, ...] = ()  # values that must never reach the store (API keys)
    pending: list[LabelRow] = field(default_factory=list)


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
        return None, PARSE_ERROR, "truncated: finish_reason=length (raise --max-tokens)", False
    try:
        return call.prompt.answer_model.model_validate_json(result.text, strict=True), OK, None, True
    except ValidationError as exc:
        errors = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'root'}: {error['msg']}" for error in exc.errors()[:5]
        )
        return None, PARSE_ERROR, errors[:1000], True


class EngineAsker:
    def __init__(
        self,
        context: RunContext,
        backend: LLMBackend,
        budget: Budget,
        limiter: RateLimiter,
        stats: RunStats,
        cache: dict[str, tuple[str, dict[str, Any]]],
    ) -> None:
        self.ctx = context
        self.backend = backend
        self.budget = budget
        self.limiter = limiter
        self.stats = stats
        self.cache = cache

    def key(self, doc: PaperDocument, call_name: str, prompt_hash: str) -> str:
        return cache_key(
            content_hash=doc.content_hash,
            doi=doc.doi,
            call=call_name,
            protocol=self.ctx.protocol,
            prompt_hash=prompt_hash,
            model=self.ctx.model,
            parameters=self.ctx.parameters,
            code_fingerprint=self.ctx.local_fingerprint,
        )

    def _redact(self, text: str | None) -> str | None:
        if text is None:
            return None
        for secret in self.ctx.secrets:
            if secret:
                text = text.replace(secret, "[redacted]")
        return text

    def _rows(
        self,
        doc: PaperDocument,
        call: Call | None,
        tasks: tuple[Task, ...],
        key: str,
        call_id: str,
        attempt: int,
        status: str,
        decided_by: str,
        started: datetime,
        *,
        answers: dict[Task, BaseModel] | None = None,
        result: ChatResult | None = None,
        cost: float | None = 0.0,
        messages: list[dict[str, str]] | None = None,
        error: str | None = None,
        transport_retries: int = 0,
        latency_s: float | None = None,
    ) -> None:
        finished = datetime.now(UTC)
        for index, task in enumerate(tasks):
            answer = answers.get(task) if answers else None
            grounded = scores = None
            if answer is not None:
                checks = [paper_text(full_text(doc)).ground(quote) for quote in evidence_of(answer)]
                grounded = [check.grounded for check in checks if check is not None]
                scores = [check.score for check in checks if check is not None]
            first = index == 0  # tokens and cost are booked once per request
            self.ctx.pending.append(
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
                    backend=self.ctx.backend if decided_by == "llm" else decided_by,
                    model=self.ctx.model if decided_by == "llm" else None,
                    status=status,
                    decided_by=decided_by,
                    prompt_name=call.prompt.name if call else None,
                    prompt_version=call.prompt.full_version if call else None,
                    prompt_hash=call.prompt.hash if call else None,
                    codebook_version=CODEBOOK_VERSION,
                    parameters=self.ctx.parameters,
                    input_hash=input_hash(messages) if messages else None,
                    input_tokens=result.input_tokens if result and first else 0,
                    output_tokens=result.output_tokens if result and first else 0,
                    tokens_counted_in_call=first,
                    cost_usd=cost if first else 0.0,
                    latency_s=latency_s if latency_s is not None else (result.latency_s if result else None),
                    transport_retries=transport_retries,
                    finish_reason=result.finish_reason if result else None,
                    response_text=self._redact(result.text) if result else None,
                    parsed=answer.model_dump(mode="json") if answer is not None else None,
                    grounded=grounded,
                    grounding_scores=scores,
                    error=self._redact(error),
                    started_at=started,
                    finished_at=finished,
                )
            )

    async def decide_locally(self, doc: PaperDocument, name: str, answers: dict[Task, BaseModel]) -> None:
        key = self.key(doc, name, prompt_hash=name)
        if key in self.cache:
            self.stats.cache_hits += 1
            return
        tasks = tuple(answers)
        self._rows(doc, None, tasks, key, str(uuid.uuid4()), 1, SKIPPED_PREFILTER, name, datetime.now(UTC),
                   answers=answers)  # fmt: skip
        self.cache[key] = (
            SKIPPED_PREFILTER,
            {task.value: answer.model_dump(mode="json") for task, answer in answers.items()},
        )
        self.stats.prefiltered += 1

    async def ask(self, doc: PaperDocument, call: Call) -> BaseModel | None:
        key = self.key(doc, call.prompt.name, call.prompt.hash)
        cached = self.cache.get(key)
        if cached is not None:
            self.stats.cache_hits += 1
            status, parts = cached
            return call.join(parts) if status == OK else None
        # Selecting passages is CPU work: off the event loop, so requests in flight keep moving.
        messages = call.prompt.messages(await asyncio.to_thread(call.text), self.ctx.describe_shape)
        call_id = str(uuid.uuid4())
        for attempt in range(1, MAX_ATTEMPTS + 1):
            started = datetime.now(UTC)
            prompt_tokens = sum(self.ctx.count_tokens(message["content"]) for message in messages)
            try:
                reservation = self.budget.reserve(prompt_tokens, self.ctx.max_output_tokens)
            except BudgetExhausted as exc:
                self._rows(doc, call, call.tasks, key, call_id, attempt, BUDGET_STOPPED, "llm", started,
                           messages=messages, error=str(exc))  # fmt: skip
                self.stats.budget_stopped = True
                raise
            await self.limiter.acquire(prompt_tokens + self.ctx.max_output_tokens)
            try:
                result = await self.backend.complete(ChatRequest(messages, call.prompt.answer_model, key))
            except TransportFailure as failure:
                self.budget.settle(reservation, 0, 0)
                self.stats.transport_errors += failure.transport_retries + 1
                self.stats.api_errors += 1
                self._rows(doc, call, call.tasks, key, call_id, attempt, API_ERROR, "llm", started, messages=messages,
                           error=str(failure), transport_retries=failure.transport_retries,
                           latency_s=failure.latency_s)  # fmt: skip
                return None
            cost = self.budget.settle(reservation, result.input_tokens, result.output_tokens)
            self.stats.calls += 1
            self.stats.transport_errors += result.transport_retries
            self.stats.input_tokens += result.input_tokens
            self.stats.output_tokens += result.output_tokens
            self.stats.cost_usd += cost or 0.0
            answer, status, error, may_reask = validate(call, result)
            answers = call.split(answer) if answer is not None else None
            self._rows(doc, call, call.tasks, key, call_id, attempt, status, "llm", started, answers=answers,
                       result=result, cost=cost, messages=messages, error=error,
                       transport_retries=result.transport_retries)  # fmt: skip
            if status == OK:
                self.cache[key] = (OK, {task.value: part.model_dump(mode="json") for task, part in answers.items()})
                return answer
            if status == REFUSED:
                self.stats.refusals += 1
                return None
            self.stats.validation_errors += 1
            if not may_reask:
                return None
            messages = [
                *messages,
                {"role": "assistant", "content": result.text[:4000]},
                {"role": "user", "content": REASK.format(errors=error)},
            ]
        return None
