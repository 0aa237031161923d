"""`--dry-run`: what a run would send, in tokens and dollars, without calling anything.

The estimate walks the protocol with a stand-in asker that answers every question positively, so every stage of
the cascade is counted (an upper bound), skips calls the cache already answers, and applies the prefilter for real.
Output tokens are bounded by max_tokens per call; the cost is given for input only and for input + that bound.
Re-asks are not in those figures (how many answers fail validation is not known before): beside them, what re-asking
every call once would add — each re-ask resends the call's messages, the invalid reply and a short note.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from classifiers.document import PaperDocument
from classifiers.engine.asker import REASK_REPLY_CHARS, EngineAsker, reask_turns
from classifiers.llm.prices import Price
from classifiers.protocols.base import Call, LabelProtocol
from classifiers.taxonomy import Task
from classifiers.tokens import count_tokens


@dataclass(slots=True)
class Estimate:
    papers: int = 0
    calls: int = 0
    cached_calls: int = 0
    prefiltered: int = 0
    input_tokens: int = 0
    max_output_tokens: int = 0
    reask_input_tokens: int = 0  # if every call were re-asked once (the validation errors quoted not counted)
    reask_max_output_tokens: int = 0

    def cost(self, price: Price | None) -> tuple[float | None, float | None]:
        if price is None:
            return None, None
        return price.cost(self.input_tokens, 0), price.cost(self.input_tokens, self.max_output_tokens)

    def reask_cost(self, price: Price | None) -> float | None:
        return None if price is None else price.cost(self.reask_input_tokens, self.reask_max_output_tokens)


class EstimatingAsker:
    def __init__(self, engine_asker: EngineAsker, estimate: Estimate) -> None:
        self.inner = engine_asker  # used only for its cache keys and cache
        self.estimate = estimate
        # What a re-ask adds to a call's messages: the invalid reply (cut to REASK_REPLY_CHARS) and the note.
        output = engine_asker.options.max_output_tokens
        note = reask_turns("", "")[1]["content"]
        self.reask_extra = min(output, count_tokens("x" * REASK_REPLY_CHARS)) + count_tokens(note)

    async def ask(self, doc: PaperDocument, call: Call) -> BaseModel | None:
        key = self.inner.key(doc, call.prompt.name, call.prompt.hash)
        if key in self.inner.cache:
            self.estimate.cached_calls += 1
            status, parts = self.inner.cache[key]
            return call.join(parts) if status == "ok" else None
        messages = call.prompt.messages(call.text(), self.inner.options.describe_shape)
        sent = sum(count_tokens(m["content"]) for m in messages)
        output = self.inner.options.max_output_tokens
        self.estimate.calls += 1
        self.estimate.input_tokens += sent
        self.estimate.max_output_tokens += output
        self.estimate.reask_input_tokens += sent + self.reask_extra  # the same messages again, and more
        self.estimate.reask_max_output_tokens += output
        return call.positive_placeholder()

    async def skip(self, doc: PaperDocument, answers: dict[Task, BaseModel]) -> None:
        self.estimate.prefiltered += 1

    async def decide(self, doc: PaperDocument, answers: dict[Task, BaseModel]) -> None:
        return None  # decided in code: no call, no tokens


async def estimate_run(
    protocol: LabelProtocol, engine_asker: EngineAsker, batches: Iterable[list[PaperDocument]]
) -> Estimate:
    estimate = Estimate()
    asker = EstimatingAsker(engine_asker, estimate)
    for batch in batches:
        for doc in batch:
            estimate.papers += 1
            await protocol.label(doc, asker)
    return estimate


def describe(estimate: Estimate, price: Price | None, model: str) -> list[str]:
    low, high = estimate.cost(price)
    money: Any = f"${low:.4f} (input only) … ${high:.4f} (with max output)" if low is not None else "unknown price"
    return [
        f"papers: {estimate.papers:,}  (prefiltered, no call: {estimate.prefiltered:,})",
        f"calls to make: {estimate.calls:,}  (already cached: {estimate.cached_calls:,}; upper bound: every "
        "cascade stage assumed positive)",
        f"input tokens: {estimate.input_tokens:,}  (shared count_tokens)",
        f"output tokens: at most {estimate.max_output_tokens:,}",
        f"cost with {model}: {money}",
        f"re-asks (not included above): re-asking every call once would add {estimate.calls:,} calls, about "
        f"{estimate.reask_input_tokens:,} input and at most {estimate.reask_max_output_tokens:,} output tokens"
        + (f", about ${reask:.4f}" if (reask := estimate.reask_cost(price)) is not None else ""),
    ]
