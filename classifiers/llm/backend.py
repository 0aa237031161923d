"""What the engine needs from an LLM backend: send one chat request, get text, usage and timing back.

Transport concerns (retries, timeouts, HTTP) stay behind this interface; validation, caching and storage stay in
the engine. Batch mode (classifiers.engine.batch) sends the same request bodies as Batch API JSONL instead, keyed by
the same stable request id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel


@dataclass(frozen=True, slots=True)
class ChatRequest:
    messages: list[dict[str, str]]
    answer_model: type[BaseModel]
    request_id: str  # a stable id (the cache key) — usable as a Batch API custom_id


@dataclass(frozen=True, slots=True)
class ChatResult:
    text: str
    finish_reason: str | None
    refusal: str | None
    input_tokens: int
    output_tokens: int
    latency_s: float
    transport_retries: int = 0


@dataclass(slots=True)
class TransportFailure(Exception):
    """The request could not be completed within the retries (or was not retryable)."""

    error_class: str
    message: str
    transport_retries: int = 0
    latency_s: float = 0.0
    status_code: int | None = None

    def __str__(self) -> str:
        return f"{self.error_class}: {self.message}"


class LLMBackend(Protocol):
    name: str
    model: str | None

    def parameters(self) -> dict[str, Any]:
        """Everything that changes the answer (temperature, seed, max tokens, structured-output mode …)."""
        ...

    async def complete(self, request: ChatRequest) -> ChatResult: ...

    async def aclose(self) -> None: ...


class NoBackend:
    """The backend of a protocol that decides in code (the rules): nothing to call, no parameters."""

    model: str | None = None

    def __init__(self, name: str) -> None:
        self.name = name

    def parameters(self) -> dict[str, Any]:
        return {}

    async def complete(self, request: ChatRequest) -> ChatResult:
        raise TypeError(f"the {self.name} backend makes no model calls")

    async def aclose(self) -> None:
        return None
